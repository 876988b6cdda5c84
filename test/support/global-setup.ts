// Runs once per `vitest run` for the projects that need it, before any worker starts:
// builds the app, the reader harness and the compiled gateway a single time and hands
// their paths to every test file through `provide`/`inject`. Knows nothing of any one test.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { buildServer } from '../../scripts/build-server.mjs';
import { buildApp, buildReaderHarness } from './builds.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

declare module 'vitest' {
  export interface ProvidedContext {
    /** The app as `npm run build` makes it (test/support/app-server.ts serves it). */
    clientDir: string;
    /** The reader harness page (test/support/reader-harness/build.ts serves it). */
    harnessDir: string;
    /** dist/server/main.js as `npm run build` compiles it, to run as its own process. */
    serverMain: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
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
  return () => rm(root, { recursive: true, force: true });
}
