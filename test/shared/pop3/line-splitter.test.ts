// The one capped-line splitter: byte-exact lines at every split, leftovers
// kept, the cap enforced before a line completes.

import { describe, expect, it } from 'vitest';
import {
  LineSplitter,
  withoutLineEnding,
  type LineSplitterOptions,
} from '../../../shared/pop3/line-splitter.ts';
import { decode, encode, FEEDS } from '../../support/feed.ts';

interface Outcome {
  lines: string[];
  isTooLong: boolean;
  held: number;
}

/** Read every chunk to its end, the way each caller loops. */
function split(chunks: readonly Uint8Array[], options: LineSplitterOptions): Outcome {
  const splitter = new LineSplitter(options);
  const lines: string[] = [];
  for (const chunk of chunks) {
    let start = 0;
    while (start < chunk.length) {
      const read = splitter.read(chunk, start);
      if (read.kind === 'too-long') return { lines, isTooLong: true, held: splitter.heldLength };
      if (read.kind === 'partial') break;
      lines.push(decode(read.line));
      start = read.end;
    }
  }
  return { lines, isTooLong: false, held: splitter.heldLength };
}

const TRANSCRIPT = '+OK ready\r\nUSER demo\r\n\r\nbare LF\n中文 line\r\nQUIT';

describe('LineSplitter', () => {
  for (const [name, feed] of FEEDS) {
    it(`returns byte-exact lines and keeps the leftover (${name})`, () => {
      for (const chunks of feed(encode(TRANSCRIPT))) {
        expect(split(chunks, { maxLine: 100 })).toEqual({
          lines: ['+OK ready\r\n', 'USER demo\r\n', '\r\n', 'bare LF\n', '中文 line\r\n'],
          isTooLong: false,
          held: 4,
        });
      }
    });

    it(`accepts a line of exactly the cap and refuses one octet more (${name})`, () => {
      const exact = `${'a'.repeat(8)}\r\n`;
      for (const chunks of feed(encode(exact))) {
        expect(split(chunks, { maxLine: 10 }).lines).toEqual([exact]);
      }
      for (const chunks of feed(encode(`b${exact}`))) {
        expect(split(chunks, { maxLine: 10 }).isTooLong).toBe(true);
      }
    });
  }

  it('refuses a line without LF as soon as its ending cannot fit, and holds nothing', () => {
    const lf = new LineSplitter({ maxLine: 10 });
    expect(lf.read(encode('a'.repeat(9)))).toEqual({ kind: 'partial' });
    expect(lf.read(encode('a'))).toEqual({ kind: 'too-long' });
    expect(lf.heldLength).toBe(0);

    // With CRLF required the CR still to come counts: 9 octets leave no room.
    const crlf = new LineSplitter({ maxLine: 10, isCrlfRequired: true });
    expect(crlf.read(encode('a'.repeat(9)))).toEqual({ kind: 'too-long' });
    const endingInCr = new LineSplitter({ maxLine: 10, isCrlfRequired: true });
    expect(endingInCr.read(encode(`${'a'.repeat(8)}\r`))).toEqual({ kind: 'partial' });
    expect(decode(lineOf(endingInCr.read(encode('\n'))))).toBe(`${'a'.repeat(8)}\r\n`);
  });

  it('refuses 10 MiB without an LF at the cap, holding no more than the cap', () => {
    const splitter = new LineSplitter({ maxLine: 8192 });
    const block = new Uint8Array(4096).fill(0x61);
    expect(splitter.read(block).kind).toBe('partial');
    expect(splitter.heldLength).toBe(4096);
    expect(splitter.read(block).kind).toBe('too-long');
  });

  it('asks a cap function for each line, so the cap may change between lines', () => {
    let max = 6;
    const splitter = new LineSplitter({ maxLine: () => max, isCrlfRequired: true });
    const bytes = encode('AUTH\r\nlonger line\r\n');
    const first = splitter.read(bytes);
    expect(decode(lineOf(first))).toBe('AUTH\r\n');
    expect(splitter.read(bytes, first.kind === 'line' ? first.end : 0).kind).toBe('too-long');
    max = 100;
    expect(decode(lineOf(splitter.read(bytes, 6)))).toBe('longer line\r\n');
  });

  it('gives a view of the chunk for a whole line, and keeps a copy of a partial one', () => {
    const chunk = encode('NOOP\r\nQU');
    const splitter = new LineSplitter({ maxLine: 100 });
    const read = splitter.read(chunk);
    expect(read.kind === 'line' && read.line.buffer).toBe(chunk.buffer);
    expect(splitter.read(chunk, 6)).toEqual({ kind: 'partial' });
    chunk.fill(0x78); // a reused read buffer overwritten by the next read
    expect(decode(lineOf(splitter.read(encode('IT\r\n'))))).toBe('QUIT\r\n');
  });

  it('forgets a held partial line on reset()', () => {
    const splitter = new LineSplitter({ maxLine: 100 });
    splitter.read(encode('USER ev'));
    splitter.reset();
    expect(splitter.heldLength).toBe(0);
    expect(decode(lineOf(splitter.read(encode('il\r\n'))))).toBe('il\r\n');
  });

  it('strips an LF or a CRLF, nothing else', () => {
    expect(decode(withoutLineEnding(encode('+OK\r\n')))).toBe('+OK');
    expect(decode(withoutLineEnding(encode('+OK\n')))).toBe('+OK');
    expect(decode(withoutLineEnding(encode('+OK\r\r\n')))).toBe('+OK\r');
    expect(decode(withoutLineEnding(encode('+OK')))).toBe('+OK');
  });
});

function lineOf(read: ReturnType<LineSplitter['read']>): Uint8Array {
  if (read.kind !== 'line') throw new Error(`expected a line, got ${read.kind}`);
  return read.line;
}
