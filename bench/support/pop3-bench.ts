// What the gateway benchmarks share: an in-memory POP3S upstream with one
// 20 MB message, the gateway in a process of its own, POP3 byte pipes
// (direct TLS, or a WebSocket to the gateway, itself direct or behind a
// proxy), and the RETR and NOOP measurements over them. Prints nothing.

import type { ChildProcess } from 'node:child_process';
import tls from 'node:tls';
import { WebSocket, type ClientOptions } from 'ws';
import { loadConfig } from '../../server/config.ts';
import { createGateway } from '../../server/gateway.ts';
import { createLogger } from '../../server/logging.ts';
import { createCa, createServerCert } from '../../server/tls/certificates.ts';

export const MB = 1024 * 1024;
export const RETR_SIZE = 20 * MB;
export const NOOPS_PER_SESSION = 50;
/** The Origin every benchmark client sends; the gateway allows only it. */
export const ORIGIN = 'http://bench.example';
/** The Host a direct client sends; through nginx the client's own Host is passed on. */
export const BENCH_HOST = 'bench.example';

export interface Upstream {
  host: string;
  port: number;
  ca: string;
}

/** A 20 MB message body, dot-stuffed and terminated, ready to write. */
export function retrReply(): Buffer {
  const line = `${'0123456789abcdefghijklmnopqrstuvwxyz'.repeat(2)}+/==\r\n`;
  const body = Buffer.alloc(RETR_SIZE, line);
  return Buffer.concat([Buffer.from(`+OK ${RETR_SIZE} octets\r\n`), body, Buffer.from('.\r\n')]);
}

/** POP3S on loopback: +OK to everything, the 20 MB message to `RETR 1`. */
export async function startUpstream(): Promise<Upstream & { close(): void }> {
  const ca = await createCa('bench CA');
  const cert = await createServerCert({ names: ['localhost', '127.0.0.1'], ca });
  const retr = retrReply();
  const server = tls.createServer({ key: cert.key, cert: cert.cert }, (socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.write('+OK bench ready\r\n');
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (let at = pending.indexOf('\r\n'); at >= 0; at = pending.indexOf('\r\n')) {
        const command = pending.slice(0, at);
        pending = pending.slice(at + 2);
        socket.write(command === 'RETR 1' ? retr : '+OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { host: '127.0.0.1', port, ca: ca.cert, close: () => server.close() };
}

/** What a gateway process answers to a `memory` or `cpu` probe. */
export interface Probe {
  userMs: number;
  systemMs: number;
  rss: number;
  heapUsed: number;
  cpuMs: number;
  sessions: number;
}

/**
 * The body of a gateway process (forked with `--serve`): listens, reports its
 * port, answers probes. `allowedHosts`: the Host headers it will see.
 */
export async function serveGateway(
  upstream: Upstream,
  allowedHosts: readonly string[] = [BENCH_HOST],
): Promise<void> {
  const config = loadConfig({
    env: {
      PORT: '0',
      ALLOWED_ORIGINS: ORIGIN,
      ALLOWED_HOSTS: allowedHosts.join(','),
      MAX_SESSIONS: '10000',
      MAX_SESSIONS_PER_IP: '10000',
      UPGRADES_PER_MINUTE: '100000',
      MAX_BYTES_DOWN: String(16 * 1024 * MB),
    },
    readFile: () => '',
  });
  config.upstreams = [
    { id: 'bench', label: 'bench', ...upstream, tls: 'implicit', servername: 'localhost' },
  ];
  const gateway = createGateway({ config, logger: createLogger('silent') });
  const { port } = await gateway.listen();
  process.on('message', (message) => {
    if (message !== 'memory' && message !== 'cpu') return;
    // A full collection before a memory reading only; it would skew CPU figures.
    if (message === 'memory') (globalThis as { gc?: () => void }).gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    const { user, system } = process.cpuUsage();
    const probe: Probe = {
      userMs: user / 1000,
      systemMs: system / 1000,
      rss,
      heapUsed,
      cpuMs: (user + system) / 1000,
      sessions: gateway.bridge.sessions.size,
    };
    process.send?.(probe);
  });
  // A normal exit, so --cpu-prof (BENCH_PROFILE=<dir>) can write its profile.
  process.on('SIGINT', () => process.exit(0));
  process.send?.({ port });
}

/** Ask a gateway process for a probe. */
export function ask(child: ChildProcess, what: 'memory' | 'cpu' = 'memory'): Promise<Probe> {
  return new Promise((resolve) => {
    child.once('message', (message) => resolve(message as Probe));
    child.send(what);
  });
}

/** The next IPC message of a child process, typed by the caller. */
export function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve) => child.once('message', (message) => resolve(message as T)));
}

/** A POP3 byte pipe with a "wait until N more bytes" primitive. */
export interface Pipe {
  send(line: string): void;
  received(): number;
  waitFor(total: number): Promise<void>;
  close(): void;
}

function makeWaiter(): {
  add(n: number): void;
  received(): number;
  waitFor(t: number): Promise<void>;
} {
  let count = 0;
  let waiter: { total: number; resolve: () => void } | undefined;
  return {
    add(n) {
      count += n;
      if (waiter && count >= waiter.total) {
        const { resolve } = waiter;
        waiter = undefined;
        resolve();
      }
    },
    received: () => count,
    waitFor: (total) =>
      count >= total ? Promise.resolve() : new Promise((resolve) => (waiter = { total, resolve })),
  };
}

/** Straight to the upstream over TLS, no gateway. */
export async function directPipe(upstream: Upstream): Promise<Pipe> {
  const socket = tls.connect({ ...upstream, servername: 'localhost' });
  socket.setNoDelay(true);
  const counter = makeWaiter();
  socket.on('data', (chunk: Buffer) => counter.add(chunk.length));
  await counter.waitFor(1);
  return {
    send: (line) => socket.write(`${line}\r\n`),
    received: counter.received,
    waitFor: counter.waitFor,
    close: () => socket.destroy(),
  };
}

/** A bridge session at `url` (ws:// to the gateway, or wss:// to a proxy in front of it). */
export async function bridgePipe(url: string, options: ClientOptions = {}): Promise<Pipe> {
  const ws = new WebSocket(url, { origin: ORIGIN, perMessageDeflate: false, ...options });
  const counter = makeWaiter();
  ws.on('message', (data: Buffer, isBinary) => isBinary && counter.add(data.length));
  ws.on('error', (error) => console.error('ws', error.message));
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ type: 'open', v: 1, server: 'bench' }));
  await counter.waitFor(1);
  return {
    send: (line) => ws.send(Buffer.from(`${line}\r\n`)),
    received: counter.received,
    waitFor: counter.waitFor,
    close: () => ws.terminate(),
  };
}

/** A bridge session straight to the gateway on loopback `port`. */
export function gatewayPipe(port: number): Promise<Pipe> {
  return bridgePipe(`ws://127.0.0.1:${port}/ws`, { headers: { host: BENCH_HOST } });
}

export async function login(pipe: Pipe): Promise<void> {
  const start = pipe.received();
  pipe.send('USER bench');
  pipe.send('PASS bench');
  await pipe.waitFor(start + 10);
}

/** Seconds for one RETR of the whole `replyLength`-byte reply. */
export async function retrSeconds(pipe: Pipe, replyLength: number): Promise<number> {
  const total = pipe.received() + replyLength;
  const started = performance.now();
  pipe.send('RETR 1');
  await pipe.waitFor(total);
  return (performance.now() - started) / 1000;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * Each session sends NOOP, waits for +OK, and repeats; with `thinkMs` it
 * first waits a random 0..2×thinkMs (users, not a lockstep flood). The first
 * five round trips of each session are warm-up and not counted.
 */
export async function noopRtts(pipes: Pipe[], thinkMs: number): Promise<number[]> {
  const rtts: number[] = [];
  await Promise.all(
    pipes.map(async (pipe) => {
      for (let i = 0; i < NOOPS_PER_SESSION + 5; i++) {
        if (thinkMs > 0) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 * thinkMs));
        }
        const total = pipe.received() + 5; // "+OK\r\n"
        const started = performance.now();
        pipe.send('NOOP');
        await pipe.waitFor(total);
        if (i >= 5) rtts.push(performance.now() - started);
      }
    }),
  );
  return rtts;
}

/** The two NOOP workloads every benchmark reports. */
export const NOOP_WORKLOADS = [
  ['each session idle 0–40 ms between commands', 20],
  ['lockstep flood, no pause (worst case)', 0],
] as const;

/** One line of NOOP figures. */
export function rttRow(name: string, values: number[]): string {
  return `    ${name} p50 ${percentile(values, 50).toFixed(2)} ms, p99 ${percentile(values, 99).toFixed(2)} ms`;
}
