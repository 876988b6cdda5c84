// Dot-stuffing, the terminator and the TOP cut, at every chunk size.

import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { listingBody, stuffedBody, topOfMessage } from '../../../server/demo/wire.ts';

const joined = (chunks: Iterable<Uint8Array>): string =>
  Buffer.concat([...chunks].map((chunk) => Buffer.from(chunk))).toString('latin1');

describe('stuffedBody', () => {
  const cases: Array<[string, string]> = [
    ['', '.\r\n'],
    ['a\r\n', 'a\r\n.\r\n'],
    ['.\r\n', '..\r\n.\r\n'],
    ['a\r\n.\r\nb\r\n', 'a\r\n..\r\nb\r\n.\r\n'],
    ['..x\r\n...\r\n', '...x\r\n....\r\n.\r\n'],
    ['a.b\r\n x.\r\n', 'a.b\r\n x.\r\n.\r\n'],
    ['no final newline', 'no final newline\r\n.\r\n'],
    ['ends with a dot\r\n.', 'ends with a dot\r\n..\r\n.\r\n'],
  ];

  it.each(cases)('stuffs %j at every chunk size', (input, expected) => {
    const bytes = Buffer.from(input, 'latin1');
    for (let size = 1; size <= Math.max(1, bytes.length); size++) {
      expect(joined(stuffedBody(bytes, size))).toBe(expected);
    }
  });

  it('yields slices of the message, not copies, where nothing needs stuffing', () => {
    const bytes = new Uint8Array(Buffer.from('abc\r\ndef\r\n'.repeat(100)));
    const chunks = [...stuffedBody(bytes, 64)];
    expect(chunks.slice(0, -1).every((chunk) => chunk.buffer === bytes.buffer)).toBe(true);
    expect(chunks.slice(0, -1).every((chunk) => chunk.length <= 64)).toBe(true);
  });
});

describe('topOfMessage', () => {
  const message = Buffer.from('A: 1\r\nB: 2\r\n\r\nline 1\r\nline 2\r\nline 3\r\n');

  it.each([
    [0, 'A: 1\r\nB: 2\r\n\r\n'],
    [1, 'A: 1\r\nB: 2\r\n\r\nline 1\r\n'],
    [3, message.toString()],
    [99, message.toString()],
  ])('TOP n %i', (lines, expected) => {
    expect(Buffer.from(topOfMessage(message, lines)).toString()).toBe(expected);
  });

  it('treats a message without a blank line as all header', () => {
    expect(Buffer.from(topOfMessage(Buffer.from('A: 1\r\n'), 0)).toString()).toBe('A: 1\r\n');
  });

  it('handles an empty header', () => {
    expect(Buffer.from(topOfMessage(Buffer.from('\r\nbody\r\nmore\r\n'), 1)).toString()).toBe(
      '\r\nbody\r\n',
    );
  });
});

describe('listingBody', () => {
  it('terminates the lines', () => {
    expect(joined(listingBody(['1 10', '2 20']))).toBe('1 10\r\n2 20\r\n.\r\n');
    expect(joined(listingBody([]))).toBe('.\r\n');
  });
});
