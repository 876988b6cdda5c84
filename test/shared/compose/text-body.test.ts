// The text/plain body: which encoding each text gets, to the byte, and that
// wrapping never changes a character once decoded.

import { describe, expect, it } from 'vitest';
import { encodeTextBody } from '../../../shared/compose/text-body.ts';
import { unflow } from './decode.ts';

const decoder = new TextDecoder();
const PLAIN = 'text/plain; charset=utf-8';
const FLOWED = `${PLAIN}; format=flowed`;
const long = (word: string, times: number): string =>
  Array.from({ length: times }, () => word).join(' ');

describe('encodeTextBody', () => {
  it.each([
    ['short ASCII as typed', 'Hi\nthere', {}, PLAIN, '7bit', 'Hi\r\nthere\r\n'],
    ['one final line break, not two', 'Hi\n', {}, PLAIN, '7bit', 'Hi\r\n'],
    ['empty text', '', {}, PLAIN, '7bit', '\r\n'],
    ['CR and CRLF end lines too', 'a\rb\r\nc', {}, PLAIN, '7bit', 'a\r\nb\r\nc\r\n'],
    ['From and dots stay for dotStuff', 'From x\n.\n', {}, PLAIN, '7bit', 'From x\r\n.\r\n'],
    ['trailing spaces in short lines', 'a  \nb', {}, PLAIN, '7bit', 'a  \r\nb\r\n'],
    ['UTF-8 without 8BITMIME', 'é', {}, PLAIN, 'quoted-printable', '=C3=A9\r\n'],
    ['UTF-8 with 8BITMIME', 'é', { eightBit: true }, PLAIN, '8bit', 'é\r\n'],
    ['a control character', 'a\u0000b', { eightBit: true }, PLAIN, 'quoted-printable', 'a=00b\r\n'],
    [
      'a long line, flowed at spaces',
      long('word', 20),
      {},
      FLOWED,
      '7bit',
      `${long('word', 15)} \r\n${long('word', 5)}\r\n`,
    ],
    [
      'a continuation that starts with From or > is space-stuffed',
      `${long('a', 38)}   From here > x ${long('b', 38)}`,
      {},
      FLOWED,
      '7bit',
      `${long('a', 38)}   \r\n From here > x ${long('b', 31)} \r\n${long('b', 7)}\r\n`,
    ],
    [
      'a typed line starting with a space is stuffed',
      ` ${long('c', 40)}\n short`,
      {},
      FLOWED,
      '7bit',
      `  ${long('c', 38)} \r\n${long('c', 2)}\r\n  short\r\n`,
    ],
    [
      'a long word stays whole when it fits in 998',
      `${'x'.repeat(100)} y`,
      {},
      FLOWED,
      '7bit',
      `${'x'.repeat(100)} \r\ny\r\n`,
    ],
    [
      'a long quoted line is not wrapped',
      `> ${long('q', 45)}`,
      {},
      FLOWED,
      '7bit',
      `> ${long('q', 45)}\r\n`,
    ],
    [
      'long lines with trailing spaces go quoted-printable',
      `${long('t', 40)}  `,
      {},
      PLAIN,
      'quoted-printable',
      `${long('t', 38)}=\r\n t t =20\r\n`,
    ],
  ])('%s', (_name, text, options, contentType, transferEncoding, bytes) => {
    const body = encodeTextBody(text, options);
    expect(body.contentType).toBe(contentType);
    expect(body.transferEncoding).toBe(transferEncoding);
    expect(decoder.decode(body.bytes)).toBe(bytes);
  });

  it('goes quoted-printable for a line over 998 octets with no space to break at', () => {
    const body = encodeTextBody('z'.repeat(1200));
    expect(body.transferEncoding).toBe('quoted-printable');
    const lines = decoder.decode(body.bytes).split('\r\n');
    expect(Math.max(...lines.map((line) => line.length))).toBe(76);
  });

  it('flows long UTF-8 text under 8BITMIME, breaking only at spaces', () => {
    const text = long('中文字符', 30);
    const body = encodeTextBody(text, { eightBit: true });
    expect(body.contentType).toBe(FLOWED);
    expect(body.transferEncoding).toBe('8bit');
    const lines = decoder.decode(body.bytes).split('\r\n');
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines.slice(0, -2)) expect(line.endsWith('中文字符 ')).toBe(true);
    expect(unflow(decoder.decode(body.bytes))).toBe(`${text}\n`);
  });

  it('keeps the signature separator a hard break in flowed text (RFC 3676 §4.3)', () => {
    const text = `${long('w', 50)}\n-- \nAnn`;
    const body = encodeTextBody(text);
    expect(body.contentType).toBe(FLOWED);
    expect(decoder.decode(body.bytes)).toContain('\r\n-- \r\nAnn\r\n');
    expect(unflow(decoder.decode(body.bytes))).toBe(`${text}\n`);
  });
});
