// Real-browser test support: headless Chromium (Debian's /usr/bin/chromium) through
// playwright-core, a static file server and a request recorder on loopback port 0.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';

/** Chromium as CI installs it (scripts/test-deps.sh); overridable for local runs. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless, no sandbox (root in CI), and no background traffic to the closed network. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Launches headless Chromium with a fresh profile and no background traffic. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/** A running loopback HTTP server. */
export interface LoopbackServer {
  origin: string;
  port: number;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<LoopbackServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.png': 'image/png',
};

/**
 * Serves `root` read-only. `headers` go on every response (e.g. the app's CSP);
 * a `?csp=0` query drops the Content-Security-Policy, for control experiments.
 */
export function serveDirectory(
  root: string,
  headers: Record<string, string> = {},
): Promise<LoopbackServer> {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const path = normalize(join(root, decodeURIComponent(url.pathname)));
      if (!path.startsWith(root + sep) && path !== root) {
        res.writeHead(403).end();
        return;
      }
      try {
        const file = (await stat(path)).isDirectory() ? join(path, 'index.html') : path;
        const body = await readFile(file);
        const extra = { ...headers };
        if (url.searchParams.get('csp') === '0') delete extra['Content-Security-Policy'];
        res.writeHead(200, {
          'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
          'Cache-Control': 'no-store',
          ...extra,
        });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  return listen(server);
}

/** One request seen by the recorder. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

/** A server that stands for "the internet": it records every request it gets. */
export interface RequestRecorder extends LoopbackServer {
  requests: RecordedRequest[];
  clear(): void;
}

// 1×1 transparent PNG, so opted-in images really load.
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Starts the recorder; every path answers with a PNG, never cached. */
export async function startRequestRecorder(): Promise<RequestRecorder> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' });
    res.end(PIXEL);
  });
  const base = await listen(server);
  return { ...base, requests, clear: () => void requests.splice(0) };
}
