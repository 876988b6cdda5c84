// Builds the reader harness page with Vite (the app's own bundler, so the worker and
// the lazy chunks are split exactly as in production) and serves it on loopback.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { build } from 'vite';
import { contentSecurityPolicy } from '../../../server/app.ts';
import { serveDirectory, type LoopbackServer } from '../browser.ts';

const ROOT = dirname(fileURLToPath(import.meta.url));

/** The gateway's own app CSP (SECURITY.md 45), unchanged. */
export const HARNESS_CSP = contentSecurityPolicy({ allowedOrigins: [] });

/** A built and served harness. */
export interface Harness extends LoopbackServer {
  /** The page URL (with the CSP); add `?csp=0` for controls without it. */
  url: string;
  /** Built files, for bundle checks. */
  dir: string;
  dispose(): Promise<void>;
}

/** Builds the harness into a temp directory and serves it with the app CSP. */
export async function startReaderHarness(): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'reader-harness-'));
  await build({
    configFile: false,
    root: ROOT,
    base: './',
    logLevel: 'warn',
    plugins: [preact()],
    build: { outDir: dir, emptyOutDir: true, target: 'es2022', sourcemap: false },
  });
  const server = await serveDirectory(dir, { 'Content-Security-Policy': HARNESS_CSP });
  return {
    ...server,
    url: `${server.origin}/index.html`,
    dir,
    dispose: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The JavaScript files of a build, with their contents. */
export async function builtScripts(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.js'))
        out.set(path.slice(dir.length + 1), await readFile(path, 'utf8'));
    }
  };
  await walk(dir);
  return out;
}
