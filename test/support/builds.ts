// The two production builds browser tests load: the app exactly as `npm run build`
// makes it, and the reader harness page. Called once per run by global-setup.ts.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { build } from 'vite';

const HARNESS_ROOT = join(dirname(fileURLToPath(import.meta.url)), 'reader-harness');

/** The app, built by vite.config.ts into `outDir`. */
export async function buildApp(outDir: string): Promise<void> {
  await build({
    configFile: 'vite.config.ts',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
}

/** The harness page, with the app's own bundler, so the worker and lazy chunks split as in production. */
export async function buildReaderHarness(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: HARNESS_ROOT,
    base: './',
    logLevel: 'warn',
    plugins: [preact()],
    build: { outDir, emptyOutDir: true, target: 'es2022', sourcemap: false },
  });
}
