// bench:codec: ReplyParser throughput on a 20 MB RETR reply in 1 KiB and
// 64 KiB chunks, next to Buffer.indexOf scanning the same chunks for the
// terminator (the practical limit). Prints figures; asserts nothing.

import { ReplyParser } from '../shared/pop3/reply-parser.ts';

const SIZE = 20 * 1024 * 1024;
const ROUNDS = 7;

/** The worst case for a dot scanner: 20 MB of prose, a period every few words. */
function buildProseWire(): Buffer {
  const parts: string[] = ['+OK message follows\r\n', 'Subject: prose\r\n\r\n'];
  const line = 'It was late. The server said no. We tried again... It worked. Done.\r\n';
  for (let size = 0; size < SIZE; size += line.length) parts.push(line);
  parts.push('..\r\n.\r\n');
  return Buffer.from(parts.join(''), 'latin1');
}

/** A realistic large message: text headers and body, then a base64 attachment, dot-stuffed. */
function buildWire(): Buffer {
  const parts: string[] = ['+OK message follows\r\n'];
  parts.push(
    'From: a@example.org\r\nSubject: big\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n',
  );
  for (let i = 0; i < 2000; i++) parts.push(`Line ${i}. A sentence. Another one... and more.\r\n`);
  parts.push('..this line began with a dot\r\n--b\r\nContent-Transfer-Encoding: base64\r\n\r\n');
  let size = parts.reduce((sum, part) => sum + part.length, 0);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let seed = 1;
  while (size < SIZE) {
    let line = '';
    for (let i = 0; i < 76; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      line += alphabet.charAt((seed >>> 16) & 63);
    }
    parts.push(`${line}\r\n`);
    size += 78;
  }
  parts.push('--b--\r\n.\r\n');
  return Buffer.from(parts.join(''), 'latin1');
}

function chunks(wire: Buffer, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < wire.length; at += size) out.push(wire.subarray(at, at + size));
  return out;
}

function parse(pieces: readonly Uint8Array[]): number {
  let bytes = 0;
  let ended = false;
  const parser = new ReplyParser({
    onStatus: () => undefined,
    onData: (chunk) => (bytes += chunk.length),
    onEnd: () => (ended = true),
    onError: (error) => {
      throw error;
    },
  });
  parser.expect('multi', Number.POSITIVE_INFINITY);
  for (const piece of pieces) parser.push(piece);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by the onEnd callback during push()
  if (!ended) throw new Error('parser did not finish');
  return bytes;
}

function scan(pieces: readonly Buffer[]): number {
  // The practical limit: a native search for the terminator in every chunk
  // (a real scanner would also carry 4 bytes across chunks; that is free).
  let found = -1;
  for (const piece of pieces) {
    const at = piece.indexOf('\r\n.\r\n');
    if (at >= 0) found = at;
  }
  return found;
}

function best(fn: () => unknown): number {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

console.log(
  `bench:codec — 20 MiB RETR replies, median of ${ROUNDS} rounds, Node ${process.version}`,
);
for (const [name, wire] of [
  ['attachment (base64)', buildWire()],
  ['prose (a period every 12 bytes)', buildProseWire()],
] as const) {
  console.log(name);
  measure(wire);
}

function measure(wire: Buffer): void {
  const mb = wire.length / 1024 / 1024;
  for (const size of [1024, 64 * 1024]) {
    const pieces = chunks(wire, size) as Buffer[];
    const parsed = parse(pieces);
    const parserMs = best(() => parse(pieces));
    const scanMs = best(() => scan(pieces));
    const parserRate = mb / (parserMs / 1000);
    const scanRate = mb / (scanMs / 1000);
    console.log(
      `${String(size / 1024).padStart(3)} KiB chunks: ReplyParser ${parserRate.toFixed(0).padStart(6)} MiB/s ` +
        `(${parserMs.toFixed(1)} ms, ${parsed} body bytes) | Buffer.indexOf ${scanRate.toFixed(0).padStart(6)} MiB/s ` +
        `(${scanMs.toFixed(1)} ms) | ratio ${(parserRate / scanRate).toFixed(2)} (target ≥ 0.50 at 64 KiB)`,
    );
  }
}
