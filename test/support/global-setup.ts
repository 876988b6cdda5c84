// Runs once per `vitest run` for the projects that need it, before any worker starts:
// builds the app and the reader harness a single time and hands their directories to
// every test file through `provide`/`inject`. Knows nothing of any one test.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildApp, buildReaderHarness } from './builds.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The app as `npm run build` makes it (test/support/app-server.ts serves it). */
    clientDir: string;
    /** The reader harness page (test/support/reader-harness/build.ts serves it). */
    harnessDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(join(tmpdir(), 'e2e-builds-'));
  const clientDir = join(root, 'client');
  const harnessDir = join(root, 'harness');
  // One after the other: two Vite builds at once only fight over the same two cores.
  await buildApp(clientDir);
  await buildReaderHarness(harnessDir);
  project.provide('clientDir', clientDir);
  project.provide('harnessDir', harnessDir);
  return () => rm(root, { recursive: true, force: true });
}
