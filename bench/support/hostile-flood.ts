// A hostile client for the load and soak benchmarks, from one loopback
// address of its own: every few seconds a wave of upgrade attempts (bad
// Origin, bad Sec-WebSocket-Key, valid ones far over the rate limit) led by
// one attempt that needs an accepted upgrade: a frame over 64 KiB, or a
// "slow reader" that signs in, asks for a large message and never reads.
// Counts how each attempt was answered. Forked by the benchmarks (`--flood`).

import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { WebSocket } from 'ws';

export interface FloodOptions {
  port: number;
  /** The allowed Origin, for the attempts that are otherwise valid. */
  origin: string;
  server: string;
  /** The hostile source address, outside the legitimate clients' pool. */
  address: string;
  durationMs: number;
  /** A real account whose first message is large (the slow reader's RETR). */
  user: { name: string; password: string };
  waveMs?: number;
  /** Attempts of each refused kind per wave. */
  burst?: number;
  /** Slow-reader sessions to keep open, and how long each stays unread. */
  slowReaders?: number;
  slowReaderHoldMs?: number;
}

/** kind → how the attempts were answered ("HTTP 429", "close 1009", …) → count. */
export type FloodReport = Record<string, Record<string, number>>;

const OVERSIZE_BYTES = 96 * 1024;
// Generous: on a loaded machine an answer may be slow without being missing.
const ATTEMPT_TIMEOUT_MS = 60_000;
/** Upgrade attempts in flight at once: on a loaded gateway each may wait seconds for an answer. */
const PARALLEL = 64;

/** Run the flood until the deadline; resolves with what happened. */
export async function runFlood(options: FloodOptions): Promise<FloodReport> {
  const report: FloodReport = {};
  const count = (kind: string, outcome: string): void => {
    const kinds = (report[kind] ??= {});
    kinds[outcome] = (kinds[outcome] ?? 0) + 1;
  };
  const waveMs = options.waveMs ?? 3500;
  const burst = options.burst ?? 100;
  const wanted = options.slowReaders ?? 2;
  const deadline = Date.now() + options.durationMs;
  const readers = new Set<Promise<void>>();
  while (Date.now() < deadline) {
    // The lead attempt goes first, so it meets the token the bucket refilled since the last wave.
    if (readers.size < wanted) {
      const holdMs = Math.min(options.slowReaderHoldMs ?? 90_000, deadline - Date.now());
      const reader = slowReader(options, Math.max(1000, holdMs), count);
      readers.add(reader);
      void reader.then(() => readers.delete(reader));
      await reader.started;
    } else {
      count('oversize frame', await oversizeFrame(options));
    }
    const attempts: (() => Promise<string>)[] = [];
    for (let i = 0; i < burst; i++) {
      attempts.push(
        () => rawUpgrade(options, { Origin: 'http://evil.example' }),
        () => rawUpgrade(options, { 'Sec-WebSocket-Key': 'not-a-websocket-key' }),
        () => rawUpgrade(options, {}),
      );
    }
    const kinds = ['bad Origin', 'bad key', 'over the rate limit'];
    await inParallel(attempts, PARALLEL, (outcome, index) => count(kinds[index % 3]!, outcome));
    // A pause after the burst, so the bucket has a token again for the next lead attempt.
    await new Promise((resolve) => setTimeout(resolve, Math.min(waveMs, deadline - Date.now())));
  }
  await Promise.all(readers);
  return report;
}

async function inParallel<T>(
  tasks: (() => Promise<T>)[],
  width: number,
  onResult: (result: T, index: number) => void,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const index = next++;
        onResult(await tasks[index]!(), index);
      }
    }),
  );
}

function upgradeHead(options: FloodOptions, headers: Record<string, string>): string {
  const all: Record<string, string> = {
    Host: `127.0.0.1:${options.port}`,
    Origin: options.origin,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  const lines = Object.entries(all).map(([name, value]) => `${name}: ${value}\r\n`);
  return `GET /ws HTTP/1.1\r\n${lines.join('')}\r\n`;
}

/** One raw upgrade request; resolves with the status ("HTTP 403"); a 101 is hung up at once. */
function rawUpgrade(options: FloodOptions, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({
      port: options.port,
      host: '127.0.0.1',
      localAddress: options.address,
    });
    let head = '';
    const finish = (outcome: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish('no answer'), ATTEMPT_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
      if (status) finish(`HTTP ${status}`);
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish(`error ${error.code ?? error.message}`),
    );
    socket.on('close', () => finish(head ? 'closed mid-answer' : 'closed unanswered'));
    socket.write(upgradeHead(options, headers));
  });
}

/** Open a session and send one binary frame over MAX_PAYLOAD; resolves with how it ended. */
function oversizeFrame(options: FloodOptions): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${options.port}/ws`, {
      origin: options.origin,
      localAddress: options.address,
      perMessageDeflate: false,
    });
    let outcome: string | undefined;
    const timer = setTimeout(() => {
      outcome ??= 'not closed';
      ws.terminate();
    }, ATTEMPT_TIMEOUT_MS);
    ws.on('unexpected-response', (_request, response) => {
      outcome = `HTTP ${response.statusCode}`;
      ws.terminate();
    });
    ws.on('error', () => undefined);
    ws.on('open', () => {
      ws.send(JSON.stringify({ type: 'open', v: 1, server: options.server }));
      ws.send(randomBytes(OVERSIZE_BYTES), { binary: true });
    });
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolve(outcome ?? `close ${code}`);
    });
  });
}

/** A client→server WebSocket frame (RFC 6455 §5.2), masked as a client must. */
function frame(opcode: 1 | 2, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i]! ^= mask[i & 3]!;
  const length =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | payload.length])
      : Buffer.from([0x80 | opcode, 0x80 | 126, payload.length >> 8, payload.length & 255]);
  return Buffer.concat([length, mask, masked]);
}

/**
 * A session that signs in, sends RETR 1 and then never reads again, held
 * for `holdMs`. `started` resolves once the RETR is sent or the
 * upgrade was refused; the promise itself once the socket is let go.
 */
function slowReader(
  options: FloodOptions,
  holdMs: number,
  count: (kind: string, outcome: string) => void,
): Promise<void> & { started: Promise<void> } {
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const done = new Promise<void>((resolve) => {
    const socket = net.connect({
      port: options.port,
      host: '127.0.0.1',
      localAddress: options.address,
    });
    let seen = '';
    let stage: 'upgrade' | 'open' | 'unread' | 'ended' = 'upgrade';
    const finish = (outcome: string): void => {
      if (stage === 'ended') return;
      stage = 'ended';
      clearTimeout(timer);
      socket.destroy();
      count('slow reader', outcome);
      markStarted();
      resolve();
    };
    const timer = setTimeout(() => finish(`stuck at ${stage}`), ATTEMPT_TIMEOUT_MS);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (stage !== 'unread') finish(`closed at ${stage}`);
    });
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (stage === 'upgrade') {
        const status = /^HTTP\/1\.1 (\d{3})/.exec(seen)?.[1];
        if (!status) return;
        if (status !== '101') return finish(`HTTP ${status}`);
        stage = 'open';
        const open = JSON.stringify({ type: 'open', v: 1, server: options.server });
        socket.write(frame(1, Buffer.from(open)));
      }
      // Binary frames may start only after "opened" and the greeting (docs/operations.md).
      if (stage === 'open' && seen.includes('"opened"') && seen.includes('+OK')) {
        stage = 'unread';
        const { name, password } = options.user;
        socket.write(frame(2, Buffer.from(`USER ${name}\r\nPASS ${password}\r\nRETR 1\r\n`)));
        socket.pause();
        clearTimeout(timer);
        markStarted();
        setTimeout(() => finish('signed in, sent RETR 1, never read'), holdMs);
      }
    });
    socket.write(upgradeHead(options, {}));
  });
  return Object.assign(done, { started });
}

if (process.argv[2] === '--flood' && process.send) {
  const report = await runFlood(JSON.parse(process.argv[3] ?? '{}') as FloodOptions);
  process.send(report, () => process.exit(0));
}
