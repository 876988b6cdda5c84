// The line guard at every chunk split: valid dialogues pass byte for byte;
// every refused line is refused before any of its bytes would go upstream,
// with its own code (docs/security.md #11, #29, #30).

import { describe, expect, it } from 'vitest';
import type { BridgeErrorCode } from '../../../shared/bridge/errors.ts';
import { LineGuard, type CheckedLine } from '../../../shared/bridge/line-guard.ts';
import { concatBytes } from '../../../shared/pop3/bytes.ts';
import { encodeBase64 } from '../../../shared/pop3/sasl/base64.ts';
import { decode, encode, FEEDS } from '../../support/feed.ts';

interface Outcome {
  forwarded: Uint8Array;
  lines: CheckedLine[];
  error?: { code: BridgeErrorCode; message: string };
}

function run(guard: LineGuard, chunks: Uint8Array[]): Outcome {
  const lines: CheckedLine[] = [];
  for (const chunk of chunks) {
    const result = guard.push(chunk);
    if (result.error) {
      return {
        forwarded: concatBytes(lines.map((line) => line.bytes)),
        lines,
        error: { code: result.error.code, message: result.error.message },
      };
    }
    lines.push(...result.lines);
  }
  return { forwarded: concatBytes(lines.map((line) => line.bytes)), lines };
}

const DIALOGUE =
  'CAPA\r\nUSER alice\r\nPASS hunter 2 with spaces\r\nSTAT\r\nLIST\r\nLIST 2\r\nUIDL\r\n' +
  'UIDL 1\r\nTOP 1 10\r\nRETR 1\r\nDELE 1\r\nRSET\r\nNOOP\r\nQUIT\r\n';

describe.each(FEEDS)('LineGuard, fed %s', (_feed, split) => {
  it('passes a valid dialogue unchanged, line by line', () => {
    for (const chunks of split(encode(DIALOGUE))) {
      const outcome = run(new LineGuard(), chunks);
      expect(outcome.error).toBeUndefined();
      expect(decode(outcome.forwarded)).toBe(DIALOGUE);
      expect(outcome.lines.map((line) => line.verb)).toEqual([
        'CAPA', 'USER', 'PASS', 'STAT', 'LIST', 'LIST', 'UIDL', 'UIDL', 'TOP', 'RETR', 'DELE',
        'RSET', 'NOOP', 'QUIT',
      ]); // prettier-ignore
      expect(outcome.lines.map((line) => line.shape)).toEqual([
        'multi', 'single', 'single', 'single', 'multi', 'single', 'multi', 'single', 'multi',
        'multi', 'single', 'single', 'single', 'single',
      ]); // prettier-ignore
      expect(outcome.lines[2]?.user).toBe('alice');
    }
  });

  it.each([
    ['STLS from the browser', 'NOOP\r\nSTLS\r\n', 'BRIDGE_VERB_FORBIDDEN'],
    ['lower-case stls', 'stls\r\n', 'BRIDGE_VERB_FORBIDDEN'],
    ['XCLIENT', 'XCLIENT ADDR=1.2.3.4\r\n', 'BRIDGE_VERB_FORBIDDEN'],
    ['an SMTP verb', 'HELO evil\r\n', 'BRIDGE_VERB_FORBIDDEN'],
    ['an HTTP request', 'GET / HTTP/1.1\r\n', 'BRIDGE_VERB_FORBIDDEN'],
    ['base64 outside SASL', 'dGVzdA==\r\n', 'BRIDGE_VERB_FORBIDDEN'],
    ['a NUL in an argument', 'USER a\0b\r\n', 'BRIDGE_LINE_REJECTED'],
    ['a bare LF smuggling a command', 'USER a\nDELE 1\r\n', 'BRIDGE_LINE_REJECTED'],
    ['a bare CR smuggling a command', 'USER a\rDELE 1\r\n', 'BRIDGE_LINE_REJECTED'],
    ['a trailing bare LF', 'NOOP\n', 'BRIDGE_LINE_REJECTED'],
    ['an extra argument', 'RETR 1 2\r\n', 'BRIDGE_LINE_REJECTED'],
    ['a negative number', 'RETR -1\r\n', 'BRIDGE_LINE_REJECTED'],
    ['message number 0', 'DELE 0\r\n', 'BRIDGE_LINE_REJECTED'],
    ['a number over 2^31-1', 'RETR 2147483648\r\n', 'BRIDGE_LINE_REJECTED'],
    ['an empty line', '\r\n', 'BRIDGE_VERB_FORBIDDEN'],
    ['USER without a name', 'USER\r\n', 'BRIDGE_LINE_REJECTED'],
    ['a 256-octet command', `USER ${'a'.repeat(249)}\r\n`, 'BRIDGE_LINE_TOO_LONG'],
  ])('refuses %s', (_name, input, code) => {
    for (const chunks of split(encode(input))) {
      const outcome = run(new LineGuard(), chunks);
      expect(outcome.error?.code).toBe(code);
      // Nothing of the bad line went upstream; earlier good lines may have.
      expect(input.startsWith(decode(outcome.forwarded))).toBe(true);
      expect(decode(outcome.forwarded)).not.toMatch(/STLS|XCLIENT|HELO|DELE|\0/);
    }
  });

  it('accepts a 255-octet command (RFC 2449 §4)', () => {
    const line = `USER ${'a'.repeat(248)}\r\n`;
    expect(encode(line)).toHaveLength(255);
    for (const chunks of split(encode(line))) {
      expect(run(new LineGuard(), chunks).error).toBeUndefined();
    }
  });

  it('refuses invalid UTF-8', () => {
    const bytes = concatBytes([encode('USER '), Uint8Array.of(0xff, 0xfe), encode('\r\n')]);
    for (const chunks of split(bytes)) {
      expect(run(new LineGuard(), chunks).error?.code).toBe('BRIDGE_LINE_REJECTED');
    }
  });

  it('follows a SASL exchange only after the server asked (RFC 5034 §4)', () => {
    const response = encodeBase64(encode('\0alice\0hunter2'));
    for (const chunks of split(encode(`${response}\r\n`))) {
      const guard = new LineGuard();
      expect(run(guard, [encode('AUTH PLAIN\r\n')]).lines[0]).toMatchObject({ verb: 'AUTH' });
      guard.expectSaslResponse();
      const outcome = run(guard, chunks);
      expect(outcome.error).toBeUndefined();
      expect(outcome.lines).toHaveLength(1);
      expect(outcome.lines[0]).toMatchObject({ verb: 'SASL', shape: 'sasl', user: 'alice' });
      // One response per challenge: a second base64 line is not a command.
      expect(run(guard, [encode(`${response}\r\n`)]).error?.code).toBe('BRIDGE_VERB_FORBIDDEN');
    }
  });
});

describe('LineGuard limits and latching', () => {
  it('refuses a 10 KiB line without CRLF before it is complete (docs/security.md #30)', () => {
    const guard = new LineGuard();
    const kib = encode('U'.repeat(1024));
    expect(guard.push(kib).error?.code).toBe('BRIDGE_LINE_TOO_LONG');
    // Even 255 octets of a line with no end are enough to know.
    const small = new LineGuard();
    expect(small.push(encode(`USER ${'a'.repeat(249)}`)).error?.code).toBe('BRIDGE_LINE_TOO_LONG');
  });

  it('allows long SASL responses, up to 8 KiB, only in SASL mode', () => {
    const long = `${'QUFB'.repeat(1500)}\r\n`; // 6002 octets
    const guard = new LineGuard();
    guard.push(encode('AUTH SCRAM-SHA-256\r\n'));
    guard.expectSaslResponse();
    expect(guard.push(encode(long)).error).toBeUndefined();
    expect(new LineGuard().push(encode(long)).error?.code).toBe('BRIDGE_LINE_TOO_LONG');
    const tooLong = new LineGuard();
    tooLong.expectSaslResponse();
    expect(tooLong.push(encode(`${'QUFB'.repeat(2100)}\r\n`)).error?.code).toBe(
      'BRIDGE_LINE_TOO_LONG',
    );
  });

  it('latches: after a refusal nothing more passes', () => {
    const guard = new LineGuard();
    const first = guard.push(encode('STLS\r\n'));
    expect(first.error?.code).toBe('BRIDGE_VERB_FORBIDDEN');
    expect(guard.push(encode('NOOP\r\n'))).toEqual({ error: first.error });
  });

  it('refuses a whole frame when any line in it is bad', () => {
    const result = new LineGuard().push(encode('NOOP\r\nXCLIENT ADDR=1.2.3.4\r\n'));
    expect(result.error?.message).toMatch(/XCLIENT/);
    expect('lines' in result).toBe(false);
  });

  it('never puts a secret in an error message', () => {
    for (const input of ['hunter2\r\n', 'correcthorse\r\n', 'Tr0ub4dor&3 x\r\n']) {
      const result = new LineGuard().push(encode(input));
      expect(result.error?.message).toBe('command is not allowed');
    }
  });

  it('reports the user of USER, PASS, APOP and AUTH PLAIN, never a password', () => {
    const guard = new LineGuard();
    const plain = encodeBase64(encode('\0carol\0s3cret'));
    const result = guard.push(
      encode(
        `USER bob\r\nPASS s3cret\r\nAPOP dave 0123456789abcdef0123456789abcdef\r\nAUTH PLAIN ${plain}\r\n`,
      ),
    );
    if (result.error) throw result.error;
    const lines = result.lines;
    expect(lines.map((line) => line.user)).toEqual(['bob', 'bob', 'dave', 'carol']);
    expect(JSON.stringify(lines.map(({ bytes: _bytes, ...rest }) => rest))).not.toContain('s3cret');
  });
});
