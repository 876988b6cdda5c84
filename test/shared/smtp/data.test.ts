import { describe, expect, it } from 'vitest';
import { dotStuff, dotUnstuff, findBareLineEnding, toCrlf } from '../../../shared/smtp/data.ts';
import { EndOfDataScanner, type EndOfDataLimits } from '../../../shared/smtp/end-of-data.ts';
import { SmtpError } from '../../../shared/smtp/errors.ts';
import { decode, encode, FEEDS } from '../../support/feed.ts';

describe('dotStuff', () => {
  const CASES: Array<[string, string, string]> = [
    ['an empty body', '', '.\r\n'],
    ['a body ending with CRLF', 'Subject: x\r\n\r\nhi\r\n', 'Subject: x\r\n\r\nhi\r\n.\r\n'],
    ['a body without a final CRLF', 'hi', 'hi\r\n.\r\n'],
    [
      'lines ".", ".." and ".x" (RFC 5321 §4.5.2)',
      '.\r\n..\r\n.x\r\na.b\r\n',
      '..\r\n...\r\n..x\r\na.b\r\n.\r\n',
    ],
    ['a body that is one dot', '.', '..\r\n.\r\n'],
    ['a dot after the last CRLF', 'a\r\n.', 'a\r\n..\r\n.\r\n'],
  ];
  for (const [name, body, wire] of CASES) {
    it(`stuffs ${name}`, () => {
      const stuffed = dotStuff(encode(body));
      expect(decode(stuffed)).toBe(wire);
      const expectedBody = body === '' || body.endsWith('\r\n') ? body : `${body}\r\n`;
      expect(decode(dotUnstuff(stuffed))).toBe(expectedBody);
    });
  }

  for (const [name, body] of [
    ['bare LF', 'a\nb'],
    ['bare CR', 'a\rb'],
    ['LF first', '\n.\n'],
    ['CR at the end', 'a\r'],
    ['the smuggling shape \\r\\n.\\n', 'a\r\n.\nRCPT TO:<x@y>\r\n'],
  ]) {
    it(`refuses a ${name} with SMTP_BAD_BODY`, () => {
      expect(() => dotStuff(encode(body!))).toThrow(
        expect.objectContaining({ code: 'SMTP_BAD_BODY' }) as Error,
      );
    });
  }

  it('normalises line endings only when asked, in toCrlf', () => {
    expect(decode(toCrlf(encode('a\nb\rc\r\nd\n\n')))).toBe('a\r\nb\r\nc\r\nd\r\n\r\n');
    expect(findBareLineEnding(toCrlf(encode('\r\r\n\n\r')))).toBeUndefined();
    expect(findBareLineEnding(encode('ab\r\ncd\n'))).toEqual({ index: 6, byte: 'LF' });
  });

  it('refuses to unstuff data without the terminator', () => {
    expect(() => dotUnstuff(encode('a\r\n'))).toThrow(SmtpError);
    expect(() => dotUnstuff(encode('a.\r\n'))).toThrow(SmtpError);
  });
});

interface ScanOutcome {
  /** Offset just past the terminator in the whole input, or -1. */
  end: number;
  error?: string;
  size?: number;
}

function scan(chunks: Uint8Array[], limits?: EndOfDataLimits): ScanOutcome {
  const scanner = new EndOfDataScanner(limits);
  let offset = 0;
  for (const chunk of chunks) {
    const result = scanner.push(chunk);
    if (result.error) return { end: -1, error: result.error.code };
    if (result.end >= 0) return { end: offset + result.end, size: scanner.messageBytes };
    offset += chunk.length;
  }
  return { end: -1, size: scanner.messageBytes };
}

describe('EndOfDataScanner', () => {
  const CASES: Array<{
    name: string;
    wire: string;
    expected: ScanOutcome;
    limits?: EndOfDataLimits;
  }> = [
    { name: 'an empty message', wire: '.\r\n', expected: { end: 3, size: 0 } },
    { name: 'a message', wire: 'hi\r\n.\r\n', expected: { end: 7, size: 4 } },
    {
      name: 'stuffed dots, counted unstuffed',
      wire: '..\r\n...x\r\n.\r\n',
      expected: { end: 13, size: 8 },
    },
    {
      name: 'the end, then pipelined commands',
      wire: 'a\r\n.\r\nQUIT\r\n',
      expected: { end: 6, size: 3 },
    },
    { name: 'no end yet', wire: 'a\r\nb\r\n', expected: { end: -1, size: 6 } },
    { name: 'a dot inside a line', wire: 'a.\r\n', expected: { end: -1, size: 4 } },
    // SMTP smuggling (CVE-2023-51764, CVE-2023-51765, CVE-2023-51766): every
    // end-of-data a server might accept besides CRLF.CRLF.
    {
      name: 'smuggling \\n.\\n',
      wire: 'a\n.\nMAIL FROM:<x@y>\r\n',
      expected: { end: -1, error: 'SMTP_BARE_LF' },
    },
    {
      name: 'smuggling \\r.\\r',
      wire: 'a\r.\rMAIL FROM:<x@y>\r\n',
      expected: { end: -1, error: 'SMTP_BARE_CR' },
    },
    {
      name: 'smuggling \\r\\n.\\n',
      wire: 'a\r\n.\nMAIL FROM:<x@y>\r\n',
      expected: { end: -1, error: 'SMTP_SMUGGLING' },
    },
    {
      name: 'smuggling \\n.\\r\\n',
      wire: 'a\n.\r\nMAIL FROM:<x@y>\r\n',
      expected: { end: -1, error: 'SMTP_BARE_LF' },
    },
    {
      name: 'smuggling \\r\\n.\\r',
      wire: 'a\r\n.\rMAIL FROM:<x@y>\r\n',
      expected: { end: -1, error: 'SMTP_SMUGGLING' },
    },
    {
      name: 'smuggling .\\n at the very start',
      wire: '.\nQUIT\r\n',
      expected: { end: -1, error: 'SMTP_SMUGGLING' },
    },
    {
      name: 'a bare LF in the first line',
      wire: '\nx\r\n',
      expected: { end: -1, error: 'SMTP_BARE_LF' },
    },
    {
      name: 'a bare CR mid-line',
      wire: 'ab\rc\r\n.\r\n',
      expected: { end: -1, error: 'SMTP_BARE_CR' },
    },
    { name: 'CR CR LF', wire: 'a\r\r\n.\r\n', expected: { end: -1, error: 'SMTP_BARE_CR' } },
    {
      name: 'an unstuffed leading dot',
      wire: '.x\r\n.\r\n',
      expected: { end: -1, error: 'SMTP_BAD_DOT_STUFFING' },
    },
    {
      name: 'a line over the limit',
      wire: `${'x'.repeat(9)}\r\n.\r\n`,
      limits: { maxLine: 10, maxBytes: 100 },
      expected: { end: -1, error: 'SMTP_DATA_LINE_TOO_LONG' },
    },
    {
      name: 'a line exactly at the limit',
      wire: `${'x'.repeat(8)}\r\n.\r\n`,
      limits: { maxLine: 10, maxBytes: 100 },
      expected: { end: 13, size: 10 },
    },
    {
      name: 'a message over the size cap',
      wire: 'abc\r\nabc\r\n.\r\n',
      limits: { maxLine: 1000, maxBytes: 9 },
      expected: { end: -1, error: 'SMTP_TOO_LARGE' },
    },
    {
      name: 'a message exactly at the size cap',
      wire: 'abc\r\nabc\r\n.\r\n',
      limits: { maxLine: 1000, maxBytes: 10 },
      expected: { end: 13, size: 10 },
    },
  ];
  for (const testCase of CASES) {
    for (const [feedName, runsOf] of FEEDS) {
      it(`${testCase.name} (${feedName})`, () => {
        for (const chunks of runsOf(encode(testCase.wire))) {
          expect(scan(chunks, testCase.limits)).toEqual(testCase.expected);
        }
      });
    }
  }

  it('stays latched after an error and refuses bytes after the end', () => {
    const broken = new EndOfDataScanner();
    expect(broken.push(encode('a\nb')).error?.code).toBe('SMTP_BARE_LF');
    expect(broken.push(encode('\r\n.\r\n')).error?.code).toBe('SMTP_BARE_LF');
    const done = new EndOfDataScanner();
    expect(done.push(encode('.\r\n'))).toEqual({ end: 3 });
    expect(done.isDone).toBe(true);
    expect(done.push(encode('x')).error?.code).toBe('SMTP_BAD_BODY');
  });
});
