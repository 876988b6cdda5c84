// Real-browser test support: headless Chromium (Debian's /usr/bin/chromium) through
// playwright-core, a static file server and a request recorder on loopback port 0.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { Server as TlsServer } from 'node:tls';
import { chromium, type Browser } from 'playwright-core';
import { createServerCert } from '../../server/tls/certificates.ts';

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

/** Listen on a free loopback port; `close` ends open connections with `dropConnections`. */
async function listen(
  server: Server | NetServer,
  dropConnections: () => void,
): Promise<LoopbackServer> {
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
        dropConnections();
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
  return listen(server, () => server.closeAllConnections());
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

/**
 * Starts the recorder; every path answers with a PNG, never cached. One port
 * speaks both http and https (self-signed: give the browser context
 * `ignoreHTTPSErrors`), since opted-in remote images load over https only.
 */
export async function startRequestRecorder(): Promise<RequestRecorder> {
  const requests: RecordedRequest[] = [];
  const http = createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' });
    res.end(PIXEL);
  });
  const cert = await createServerCert({ names: ['127.0.0.1'] });
  const secure = new TlsServer({ key: cert.key, cert: cert.cert }, (socket) =>
    http.emit('connection', socket),
  );
  secure.on('tlsClientError', () => undefined);
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      // A TLS ClientHello starts with the handshake record type.
      if (first[0] === 0x16) secure.emit('connection', socket);
      else http.emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
  const listening = await listen(server, () => {
    for (const socket of sockets) socket.destroy();
  });
  return { ...listening, requests, clear: () => void requests.splice(0) };
}

/** Remote URLs of a fixture (`http://127.0.0.1:REMOTE_PORT/…`) sent to the recorder over https. */
export function pointAtRecorder(source: string, port: number): string {
  return source
    .replaceAll('http://127.0.0.1:REMOTE_PORT', `https://127.0.0.1:${port}`)
    .replaceAll('REMOTE_PORT', String(port));
}
