// Compiles the gateway and the `pop3` command into dist/server/ (one ES module each, npm
// packages left as imports), so nothing compiles TypeScript at run time. `npm run build`
// calls it after Vite; scripts/pop3.mjs calls it when the sources are newer than the build.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the compiled entry points land. */
export const SERVER_OUT = join(ROOT, 'dist', 'server');
const ENTRIES = { main: 'server/main.ts', pop3: 'server/cli/pop3.ts' };
const SOURCES = ['server', 'shared'];

/** Compile the server entry points into `outdir` (default dist/server). */
export async function buildServer(outdir = SERVER_OUT) {
  // Imported here: running an up-to-date build must not pay for loading esbuild.
  const { build } = await import('esbuild');
  await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
  });
}

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** True when `entry`'s compiled file exists and no source under server/ or shared/ is newer. */
export function isServerBuildFresh(entry) {
  let built;
  try {
    built = statSync(join(SERVER_OUT, `${entry}.js`)).mtimeMs;
  } catch {
    return false;
  }
  return SOURCES.every((dir) => newest(join(ROOT, dir)) <= built);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildServer();
