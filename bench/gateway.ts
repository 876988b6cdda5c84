// bench:gateway: the gateway (in its own process) against a direct TLS
// connection to the same in-memory POP3S server: RETR throughput of a 20 MB
// message, memory per idle session with 2,000 sessions open, and the NOOP
// round trip with 200 active sessions. Prints figures; asserts nothing.

import { fork, type ChildProcess } from 'node:child_process';
import tls from 'node:tls';
import { WebSocket } from 'ws';
import { loadConfig } from '../server/config.ts';
import { createGateway } from '../server/gateway.ts';
import { createLogger } from '../server/logging.ts';
import { createCa, createServerCert } from '../server/tls/certificates.ts';

const MB = 1024 * 1024;
const RETR_SIZE = 20 * MB;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const IDLE_SESSIONS = 2000;
const ACTIVE_SESSIONS = 200;
const NOOPS_PER_SESSION = 50;
const ORIGIN = 'http://bench.example';

interface Upstream {
  host: string;
  port: number;
  ca: string;
}

/** The gateway process: listens, reports its port, answers memory probes. */
async function serveGateway(upstream: Upstream): Promise<void> {
  const config = loadConfig({
    env: {
      PORT: '0',
      ALLOWED_ORIGINS: ORIGIN,
      ALLOWED_HOSTS: 'bench.example',
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
    const { rss, heapUsed, external } = process.memoryUsage();
    const { user, system } = process.cpuUsage();
    process.send?.({
      userMs: user / 1000,
      systemMs: system / 1000,
      rss,
      heapUsed,
      external,
      cpuMs: (user + system) / 1000,
      sessions: gateway.bridge.sessions.size,
    });
  });
  // A normal exit, so --cpu-prof (BENCH_PROFILE=<dir>) can write its profile.
  process.on('SIGINT', () => process.exit(0));
  process.send?.({ port });
}

/** A 20 MB message body, dot-stuffed and terminated, ready to write. */
function retrReply(): Buffer {
  const line = `${'0123456789abcdefghijklmnopqrstuvwxyz'.repeat(2)}+/==\r\n`;
  const body = Buffer.alloc(RETR_SIZE, line);
  return Buffer.concat([Buffer.from(`+OK ${RETR_SIZE} octets\r\n`), body, Buffer.from('.\r\n')]);
}

async function startUpstream(): Promise<Upstream & { close(): void }> {
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

/** A POP3 byte pipe with a "wait until N more bytes" primitive. */
interface Pipe {
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

async function directPipe(upstream: Upstream): Promise<Pipe> {
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

async function gatewayPipe(port: number): Promise<Pipe> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, {
    origin: ORIGIN,
    headers: { host: 'bench.example' },
    perMessageDeflate: false,
  });
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

async function login(pipe: Pipe): Promise<void> {
  const start = pipe.received();
  pipe.send('USER bench');
  pipe.send('PASS bench');
  await pipe.waitFor(start + 10);
}

async function retrSeconds(pipe: Pipe, replyLength: number): Promise<number> {
  const total = pipe.received() + replyLength;
  const started = performance.now();
  pipe.send('RETR 1');
  await pipe.waitFor(total);
  return (performance.now() - started) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * Each session sends NOOP, waits for +OK, and repeats; with `thinkMs` it
 * first waits a random 0..2×thinkMs (users, not a lockstep flood).
 */
async function noopRtts(pipes: Pipe[], thinkMs: number): Promise<number[]> {
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

interface Probe {
  userMs: number;
  systemMs: number;
  rss: number;
  heapUsed: number;
  cpuMs: number;
  sessions: number;
}

function ask(child: ChildProcess, what: 'memory' | 'cpu' = 'memory'): Promise<Probe> {
  return new Promise((resolve) => {
    child.once('message', (message) => resolve(message as never));
    child.send(what);
  });
}

async function main(): Promise<void> {
  const upstream = await startUpstream();
  const child = fork(import.meta.filename, ['--serve', JSON.stringify(upstream)], {
    execArgv: [
      '--import',
      'tsx',
      '--expose-gc',
      ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []),
      // BENCH_PROFILE=<dir>: a CPU profile of the gateway process.
      ...(process.env.BENCH_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
        : []),
    ],
  });
  const { port } = await nextMessage<{ port: number }>(child);
  console.log(`bench:gateway (Node ${process.version}, gateway in its own process)\n`);

  // 1. RETR throughput, measured from a client process of its own so the
  // server's encryption and the client's reading do not share one thread.
  const client = fork(import.meta.filename, ['--client', JSON.stringify({ upstream, port })], {
    execArgv: ['--import', 'tsx'],
  });
  const cpuBefore = await ask(child, 'cpu');
  const result = await nextMessage<RetrResult>(client);
  const cpuAfter = await ask(child, 'cpu');
  const gatewayCpuMs = cpuAfter.cpuMs - cpuBefore.cpuMs;
  const kernelShare = (cpuAfter.systemMs - cpuBefore.systemMs) / gatewayCpuMs;
  client.kill();
  const directMBs = result.replyLength / MB / median(result.directTimes);
  const gatewayMBs = result.replyLength / MB / median(result.gatewayTimes);
  const gatewayWallMs = result.gatewayTimes.reduce((a, b) => a + b, 0) * 1000;
  console.log(`RETR 20 MB, median of ${ROUNDS} (client in its own process):`);
  console.log(`  direct TLS      ${directMBs.toFixed(0)} MB/s`);
  console.log(`  through gateway ${gatewayMBs.toFixed(0)} MB/s`);
  console.log(`  ratio           ${(gatewayMBs / directMBs).toFixed(2)} (target ≥ 0.8)`);
  console.log(
    `  gateway CPU     ${(gatewayCpuMs / (ROUNDS + 1) / (result.replyLength / MB)).toFixed(2)} ms per MB` +
      ` (busy ${((100 * gatewayCpuMs) / gatewayWallMs).toFixed(0)}% while relaying,` +
      ` ${(100 * kernelShare).toFixed(0)}% of it in the kernel)\n`,
  );
  if (process.env.BENCH_ONLY === 'retr') {
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve));
    upstream.close();
    process.exit(0);
  }

  // 2. Memory per idle session.
  const before = await ask(child);
  const idle: Pipe[] = [];
  for (let batch = 0; batch < IDLE_SESSIONS / 100; batch++) {
    idle.push(...(await Promise.all(Array.from({ length: 100 }, () => gatewayPipe(port)))));
  }
  const after = await ask(child);
  const perSession = (after.rss - before.rss) / IDLE_SESSIONS / 1024;
  const heapPerSession = (after.heapUsed - before.heapUsed) / IDLE_SESSIONS / 1024;
  console.log(`${after.sessions} idle sessions (greeting received, TLS upstream open):`);
  console.log(`  RSS per session  ${perSession.toFixed(1)} KiB (target ≤ 64 KiB)`);
  console.log(`  heap per session ${heapPerSession.toFixed(1)} KiB\n`);
  for (const pipe of idle) pipe.close();

  // 3. NOOP round trips, 200 sessions at once.
  const directPipes = await Promise.all(
    Array.from({ length: ACTIVE_SESSIONS }, () => directPipe(upstream)),
  );
  const gatewayPipes = await Promise.all(
    Array.from({ length: ACTIVE_SESSIONS }, () => gatewayPipe(port)),
  );
  const row = (name: string, values: number[]): string =>
    `    ${name} p50 ${percentile(values, 50).toFixed(2)} ms, p99 ${percentile(values, 99).toFixed(2)} ms`;
  console.log(`NOOP round trip, ${ACTIVE_SESSIONS} sessions × ${NOOPS_PER_SESSION}:`);
  for (const [title, thinkMs] of [
    ['each session idle 0–40 ms between commands', 20],
    ['lockstep flood, no pause (worst case)', 0],
  ] as const) {
    const directRtts = await noopRtts(directPipes, thinkMs);
    const gatewayRtts = await noopRtts(gatewayPipes, thinkMs);
    const added50 = percentile(gatewayRtts, 50) - percentile(directRtts, 50);
    const added99 = percentile(gatewayRtts, 99) - percentile(directRtts, 99);
    console.log(`  ${title}:`);
    console.log(row('direct TLS     ', directRtts));
    console.log(row('through gateway', gatewayRtts));
    console.log(
      `    added           p50 ${added50.toFixed(2)} ms, p99 ${added99.toFixed(2)} ms (target p99 < 20 ms)`,
    );
  }
  for (const pipe of [...directPipes, ...gatewayPipes]) pipe.close();

  child.kill();
  upstream.close();
  process.exit(0);
}

/** The next IPC message of a child process, typed by the caller. */
function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve) => child.once('message', (message) => resolve(message as T)));
}

interface RetrResult {
  replyLength: number;
  directTimes: number[];
  gatewayTimes: number[];
}

/** The client process: one warm-up, then ROUNDS RETRs each way, alternating. */
async function runRetrClient({ upstream, port }: { upstream: Upstream; port: number }) {
  const replyLength = retrReply().length;
  const direct = await directPipe(upstream);
  const viaGateway = await gatewayPipe(port);
  await login(direct);
  await login(viaGateway);
  await retrSeconds(direct, replyLength);
  await retrSeconds(viaGateway, replyLength);
  const result: RetrResult = { replyLength, directTimes: [], gatewayTimes: [] };
  for (let round = 0; round < ROUNDS; round++) {
    result.directTimes.push(await retrSeconds(direct, replyLength));
    result.gatewayTimes.push(await retrSeconds(viaGateway, replyLength));
  }
  direct.close();
  viaGateway.close();
  process.send?.(result);
}

if (process.argv[2] === '--client') {
  await runRetrClient(JSON.parse(process.argv[3] ?? '{}') as { upstream: Upstream; port: number });
} else if (process.argv[2] === '--serve') {
  await serveGateway(JSON.parse(process.argv[3] ?? '{}') as Upstream);
} else {
  await main();
}
