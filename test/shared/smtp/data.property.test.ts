import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dotStuff, dotUnstuff, toCrlf } from '../../../shared/smtp/data.ts';
import { EndOfDataScanner } from '../../../shared/smtp/end-of-data.ts';
import { encode } from '../../support/feed.ts';

const NO_LINE_LIMIT = { maxLine: Number.POSITIVE_INFINITY, maxBytes: Number.POSITIVE_INFINITY };

/** Lines with the shapes that matter: ".", "..", leading dots, 8-bit bytes, empty lines. */
const line = fc.oneof(
  fc.constantFrom('.', '..', '...', '', '.x', 'a.', ' .', 'From x'),
  fc.uint8Array({ maxLength: 40 }).map((bytes) =>
    // Any byte but CR and LF: 8-bit, NUL and control bytes included.
    bytes.map((byte) => (byte === 0x0d || byte === 0x0a ? 0x2e : byte)),
  ),
);
const body = fc
  .tuple(fc.array(line, { maxLength: 20 }), fc.boolean())
  .map(([lines, isTerminated]) => {
    const parts: number[] = [];
    lines.forEach((text, index) => {
      parts.push(...(typeof text === 'string' ? encode(text) : text));
      if (index < lines.length - 1 || isTerminated) parts.push(0x0d, 0x0a);
    });
    return Uint8Array.from(parts);
  });

describe('dot-stuffing round trip (property)', () => {
  it('unstuffs to the body, and the scanner ends exactly at the terminator at every split', () => {
    fc.assert(
      fc.property(body, fc.nat(), (message, cutSeed) => {
        const stuffed = dotStuff(message);
        const n = stuffed.length;
        expect(Array.from(stuffed.subarray(n - 3))).toEqual([0x2e, 0x0d, 0x0a]);
        const expected =
          message.length === 0 || (message.at(-2) === 0x0d && message.at(-1) === 0x0a)
            ? message
            : Uint8Array.from([...message, 0x0d, 0x0a]);
        expect(dotUnstuff(stuffed)).toEqual(expected);
        const cut = cutSeed % (n + 1);
        const scanner = new EndOfDataScanner(NO_LINE_LIMIT);
        const first = scanner.push(stuffed.subarray(0, cut));
        if (first.error) throw first.error;
        let end = first.end;
        if (end < 0) {
          const second = scanner.push(stuffed.subarray(cut));
          if (second.error) throw second.error;
          end = cut + second.end;
        }
        expect(end).toBe(n);
        expect(scanner.messageBytes).toBe(expected.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('toCrlf output always stuffs without error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(() => dotStuff(toCrlf(bytes))).not.toThrow();
      }),
    );
  });
});
