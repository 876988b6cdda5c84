// Runs once per `vitest run` for the projects that need it, before any worker starts:
// starts one Dovecot for the run (integration and e2e share it), and for e2e builds the
// app, the reader harness and the compiled gateway a single time, and hands all of it to
// every test file through `provide`/`inject`. Knows nothing of any one test.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { buildServer } from '../../scripts/build-server.mjs';
import { buildApp, buildReaderHarness } from './builds.ts';
import { startSharedDovecot, type SharedDovecotInfo } from './dovecot.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

declare module 'vitest' {
  export interface ProvidedContext {
    /** The app as `npm run build` makes it (test/support/app-server.ts serves it). */
    clientDir: string;
    /** The reader harness page (test/support/reader-harness/build.ts serves it). */
    harnessDir: string;
    /** dist/server/main.js as `npm run build` compiles it, to run as its own process. */
    serverMain: string;
    /** The run's shared Dovecot (test/support/shared-dovecot.ts); absent in unit projects. */
    dovecot: SharedDovecotInfo | undefined;
  }
}

// More slots than test files take a Dovecot today (a slot is two ports and no process).
const DOVECOT_SLOTS = 32;

interface SharedServer {
  info: Promise<{ info: SharedDovecotInfo; stop(): Promise<void> }>;
  users: number;
}

// Each project loads this file in its own module graph, so "once" is kept on the main
// process's global object, with a count of the projects still using it.
const KEY = Symbol.for('pop3-webmail.test.shared-dovecot');
const holder = globalThis as { [KEY]?: SharedServer };

async function acquireDovecot(): Promise<SharedDovecotInfo> {
  const shared = (holder[KEY] ??= { info: startSharedDovecot(DOVECOT_SLOTS), users: 0 });
  shared.users += 1;
  return (await shared.info).info;
}

async function releaseDovecot(): Promise<void> {
  const shared = holder[KEY];
  if (shared === undefined || --shared.users > 0) return;
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- KEY is one fixed symbol on globalThis, not a map key; deleting it lets the next run start a fresh server
  delete holder[KEY];
  await (await shared.info).stop();
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  project.provide('dovecot', await acquireDovecot());
  if (project.name !== 'e2e') return releaseDovecot;
  // Inside the checkout (.tmp/ is ignored by git): the compiled gateway imports its npm
  // packages from node_modules.
  await mkdir(join(ROOT, '.tmp'), { recursive: true });
  const root = await mkdtemp(join(ROOT, '.tmp', 'e2e-builds-'));
  const clientDir = join(root, 'client');
  const harnessDir = join(root, 'harness');
  // One after the other: two Vite builds at once only fight over the same two cores.
  await buildApp(clientDir);
  await buildReaderHarness(harnessDir);
  await buildServer(join(root, 'server'));
  project.provide('clientDir', clientDir);
  project.provide('harnessDir', harnessDir);
  project.provide('serverMain', join(root, 'server', 'main.js'));
  return async () => {
    await releaseDovecot();
    await rm(root, { recursive: true, force: true });
  };
}
