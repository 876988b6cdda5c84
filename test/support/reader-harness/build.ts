// Serves the reader harness page on loopback with the app CSP. The page is built once
// per run by global-setup.ts (with Vite, the app's own bundler, so the worker and the
// lazy chunks are split exactly as in production); every test file serves that build.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { inject } from 'vitest';
import { contentSecurityPolicy } from '../../../server/app.ts';
import { serveDirectory, type LoopbackServer } from '../browser.ts';

/** The gateway's own app CSP (docs/security.md #45), unchanged. */
export const HARNESS_CSP = contentSecurityPolicy({ allowedOrigins: [] });

/** A built and served harness. */
export interface Harness extends LoopbackServer {
  /** The page URL (with the CSP); add `?csp=0` for controls without it. */
  url: string;
  /** Built files, for bundle checks. */
  dir: string;
  dispose(): Promise<void>;
}

/** Serves the run's harness build with the app CSP; `dispose` stops serving it. */
export async function startReaderHarness(): Promise<Harness> {
  const dir = inject('harnessDir');
  const server = await serveDirectory(dir, { 'Content-Security-Policy': HARNESS_CSP });
  return { ...server, url: `${server.origin}/index.html`, dir, dispose: () => server.close() };
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
