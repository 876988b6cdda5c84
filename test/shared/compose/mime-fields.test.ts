// Attachment fields: RFC 2231 file names with an ASCII fallback, read back by
// shared/mail's parameter parser; and the two transfer encodings to the byte.

import { describe, expect, it } from 'vitest';
import {
  asciiFallback,
  attachmentFields,
  checkMediaType,
} from '../../../shared/compose/mime-fields.ts';
import { base64Lines, quotedPrintable } from '../../../shared/compose/transfer-encoding.ts';
import { parseStructured } from '../../../shared/mail/parameters.ts';
import { ComposeError } from '../../../shared/compose/errors.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The value of one field of `fields`, unfolded. */
function value(fields: string, name: string): string {
  const match = new RegExp(`(?:^|\\r\\n)${name}:((?:[^\\r]|\\r\\n[ \\t])*)`, 'i').exec(fields);
  return (match?.[1] ?? '').replace(/\r\n/g, '');
}

describe('attachmentFields', () => {
  it.each([
    [
      'a plain ASCII name, quoted',
      'report.pdf',
      'Content-Type: application/pdf; name="report.pdf"\r\n' +
        'Content-Disposition: attachment; filename="report.pdf"\r\n',
    ],
    [
      'a Chinese name: fallback and filename*',
      '报告.pdf',
      'Content-Type: application/pdf; name="__.pdf"\r\n' +
        'Content-Disposition: attachment; filename="__.pdf";\r\n filename*=UTF-8\'\'%E6%8A%A5%E5%91%8A.pdf\r\n',
    ],
    [
      'a quote in the name goes to filename* only',
      'say "hi".txt',
      'Content-Type: application/pdf; name="say _hi_.txt"\r\n' +
        'Content-Disposition: attachment; filename="say _hi_.txt";\r\n filename*=UTF-8\'\'say%20%22hi%22.txt\r\n',
    ],
  ])('%s', (_name, filename, fields) => {
    expect(attachmentFields('application/pdf', filename)).toBe(fields);
  });

  it.each([
    ['Chinese', '季度报告（最终版）.xlsx'],
    ['emoji', '🎉 party 🎂.jpg'],
    ['combining marks', 'Cafe\u0301 me\u0301nu.txt'],
    ['a very long name', `${'long name '.repeat(30)}.txt`],
    ['a long ASCII name', `${'a'.repeat(150)}.bin`],
    ['percent and apostrophe', "100% it's.txt"],
    ['a backslash', 'a\\b.txt'],
  ])('%s: lines ≤ 78 and shared/mail reads the exact name', (_name, filename) => {
    const fields = attachmentFields('application/octet-stream', filename);
    for (const line of fields.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    expect(fields).not.toMatch(/[^\x20-\x7e\r\n]/);
    const disposition = parseStructured(value(fields, 'Content-Disposition'));
    expect(disposition.value).toBe('attachment');
    expect(disposition.params.get('filename')).toBe(filename);
  });

  it('continues a long name as filename*0*, filename*1*… (RFC 2231 §3)', () => {
    const fields = attachmentFields('text/plain', '文件'.repeat(20));
    expect(fields).toContain("filename*0*=UTF-8''%E6");
    expect(fields).toContain(' filename*1*=%');
    expect(fields).not.toContain('filename*=');
  });

  it('keeps the extension in a shortened fallback', () => {
    expect(asciiFallback(`${'x'.repeat(100)}.tar.gz`)).toBe(`${'x'.repeat(57)}.gz`);
    expect(asciiFallback('报告')).toBe('__');
    expect(asciiFallback('   ')).toBe('attachment');
  });

  it.each([['text/plain'], ['Application/VND.ms-excel'], ['image/svg+xml']])(
    'accepts %s',
    (type) => {
      expect(checkMediaType(type)).toBe(type.toLowerCase());
    },
  );

  it.each([['text'], ['text/plain; charset=x'], ['text/plain\r\nBcc: x'], ['/x'], ['a/b/c']])(
    'refuses %j',
    (type) => {
      expect(() => checkMediaType(type)).toThrow(ComposeError);
    },
  );
});

describe('base64Lines', () => {
  it.each([
    [0, ''],
    [1, 'AA==\r\n'],
    [57, `${'A'.repeat(76)}\r\n`],
    [58, `${'A'.repeat(76)}\r\nAA==\r\n`],
  ])('%i zero bytes', (length, text) => {
    expect(decoder.decode(base64Lines(new Uint8Array(length)))).toBe(text);
  });

  it('writes 76-character lines over block edges and decodes back exactly', () => {
    const bytes = Uint8Array.from({ length: 57 * 512 * 2 + 100 }, (_, i) => (i * 31 + 7) & 0xff);
    const text = decoder.decode(base64Lines(bytes));
    const lines = text.split('\r\n');
    expect(lines.pop()).toBe('');
    for (const line of lines.slice(0, -1)) expect(line.length).toBe(76);
    const binary = atob(lines.join(''));
    expect(Uint8Array.from(binary, (ch) => ch.charCodeAt(0))).toEqual(bytes);
  });
});

describe('quotedPrintable', () => {
  it.each([
    ['plain', 'abc\r\n', 'abc\r\n'],
    ['= and 8-bit bytes', 'a=b é\r\n', 'a=3Db =C3=A9\r\n'],
    ['trailing space and tab', 'a \r\nb\t\r\n', 'a=20\r\nb=09\r\n'],
    ['From at a line start', 'From me\r\nx From\r\n', '=46rom me\r\nx From\r\n'],
    ['a bare LF and CR', 'a\nb\rc\r\n', 'a=0Ab=0Dc\r\n'],
    ['no final line break: a soft one', 'abc', 'abc=\r\n'],
    ['a long line', `${'x'.repeat(80)}\r\n`, `${'x'.repeat(75)}=\r\nxxxxx\r\n`],
    ['=XX never split', `${'x'.repeat(74)}é\r\n`, `${'x'.repeat(74)}=\r\n=C3=A9\r\n`],
  ])('%s', (_name, text, encoded) => {
    expect(decoder.decode(quotedPrintable(encoder.encode(text)))).toBe(encoded);
  });
});
