import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ParserLimits } from '../../../shared/pop3/limits.ts';
import { ReplyParser, type ExpectedShape } from '../../../shared/pop3/reply-parser.ts';
import { Pop3ProtocolError } from '../../../shared/pop3/errors.ts';
import { concatBytes } from '../../../shared/pop3/bytes.ts';
import { decode, encode, FEEDS, splitAt } from '../../support/feed.ts';

interface Outcome {
  replies: Array<{ kind: string; text: string; code?: string; body?: string }>;
  error?: string;
}

/** Run a parser over chunks and describe what it produced. */
function run(
  shapes: ExpectedShape[],
  chunks: Uint8Array[],
  options: { maxBytes?: number; limits?: ParserLimits } = {},
): Outcome {
  const outcome: Outcome = { replies: [] };
  let body: Uint8Array[] = [];
  let current: Outcome['replies'][number] | undefined;
  const parser = new ReplyParser(
    {
      onStatus(status) {
        current = {
          kind: status.kind,
          text: status.text,
          ...(status.kind !== 'continue' && status.responseCode
            ? { code: status.responseCode }
            : {}),
        };
        body = [];
      },
      onData(chunk) {
        body.push(chunk.slice());
      },
      onEnd() {
        if (!current) throw new Error('end without status');
        if (shapes[outcome.replies.length] === 'multi' && current.kind === 'ok') {
          current.body = decode(concatBytes(body));
        }
        outcome.replies.push(current);
        current = undefined;
      },
      onError(error) {
        expect(error).toBeInstanceOf(Pop3ProtocolError);
        expect(outcome.error).toBeUndefined();
        outcome.error = error.code;
      },
    },
    options.limits,
  );
  for (const shape of shapes) parser.expect(shape, options.maxBytes);
  for (const chunk of chunks) parser.push(chunk);
  return outcome;
}

interface Case {
  name: string;
  shapes: ExpectedShape[];
  wire: string;
  expected: Outcome;
  maxBytes?: number;
  limits?: ParserLimits;
}

const SMALL: ParserLimits = { maxStatusLine: 64, maxBodyLine: 32 };

const CASES: Case[] = [
  {
    name: 'greeting',
    shapes: ['greeting'],
    wire: '+OK POP3 ready <1896.697170952@dbc.mtview.ca.us>\r\n',
    expected: { replies: [{ kind: 'ok', text: 'POP3 ready <1896.697170952@dbc.mtview.ca.us>' }] },
  },
  {
    name: 'bare +OK and -ERR with RFC 2449 response codes',
    shapes: ['single', 'single', 'single'],
    wire: '+OK\r\n-ERR [IN-USE] locked\r\n-ERR [SYS/TEMP] try later\r\n',
    expected: {
      replies: [
        { kind: 'ok', text: '' },
        { kind: 'err', text: 'locked', code: 'IN-USE' },
        { kind: 'err', text: 'try later', code: 'SYS/TEMP' },
      ],
    },
  },
  {
    name: 'multi-line body with byte-stuffing (RFC 1939 §3)',
    shapes: ['multi'],
    wire: '+OK 3 lines\r\nfirst\r\n..dot line\r\n...\r\n.\r\n',
    expected: { replies: [{ kind: 'ok', text: '3 lines', body: 'first\r\n.dot line\r\n..\r\n' }] },
  },
  {
    name: 'empty multi-line body',
    shapes: ['multi'],
    wire: '+OK\r\n.\r\n',
    expected: { replies: [{ kind: 'ok', text: '', body: '' }] },
  },
  {
    name: '-ERR to a multi-line command is one line',
    shapes: ['multi', 'single'],
    wire: '-ERR no such message\r\n+OK\r\n',
    expected: {
      replies: [
        { kind: 'err', text: 'no such message' },
        { kind: 'ok', text: '' },
      ],
    },
  },
  {
    name: 'a dot inside a line and a lone dot line are data',
    shapes: ['multi'],
    wire: '+OK\r\na.b\r\n.x\r\n..\r\n.\r\n',
    expected: { replies: [{ kind: 'ok', text: '', body: 'a.b\r\nx\r\n.\r\n' }] },
  },
  {
    name: 'pipelined replies in one buffer',
    shapes: ['single', 'multi', 'multi', 'single'],
    wire: '+OK 2 320\r\n+OK\r\n1 120\r\n2 200\r\n.\r\n+OK\r\n1 a\r\n2 b\r\n.\r\n+OK bye\r\n',
    expected: {
      replies: [
        { kind: 'ok', text: '2 320' },
        { kind: 'ok', text: '', body: '1 120\r\n2 200\r\n' },
        { kind: 'ok', text: '', body: '1 a\r\n2 b\r\n' },
        { kind: 'ok', text: 'bye' },
      ],
    },
  },
  {
    name: 'SASL continuation, then +OK',
    shapes: ['sasl', 'sasl'],
    wire: '+ cj1maXhlZA==\r\n+OK logged in\r\n',
    expected: {
      replies: [
        { kind: 'continue', text: 'cj1maXhlZA==' },
        { kind: 'ok', text: 'logged in' },
      ],
    },
  },
  {
    name: 'body lines longer than 512 octets are normal',
    shapes: ['multi'],
    wire: `+OK\r\n${'x'.repeat(3000)}\r\n.\r\n`,
    expected: { replies: [{ kind: 'ok', text: '', body: `${'x'.repeat(3000)}\r\n` }] },
  },
  {
    name: 'bare LF status lines are tolerated',
    shapes: ['single'],
    wire: '+OK fine\n',
    expected: { replies: [{ kind: 'ok', text: 'fine' }] },
  },
  {
    name: 'garbage status line is a protocol error',
    shapes: ['single'],
    wire: 'HTTP/1.1 200 OK\r\n',
    expected: { replies: [], error: 'POP3_BAD_STATUS' },
  },
  {
    name: 'continuation where no SASL exchange runs',
    shapes: ['single'],
    wire: '+ abc\r\n',
    expected: { replies: [], error: 'POP3_BAD_STATUS' },
  },
  {
    name: 'unsolicited reply',
    shapes: ['single'],
    wire: '+OK\r\n+OK extra\r\n',
    expected: { replies: [{ kind: 'ok', text: '' }], error: 'POP3_UNEXPECTED_REPLY' },
  },
  {
    name: 'status line over the limit, without CRLF',
    shapes: ['single'],
    wire: `+OK ${'y'.repeat(100)}`,
    limits: SMALL,
    expected: { replies: [], error: 'POP3_LINE_TOO_LONG' },
  },
  {
    name: 'body line over the limit',
    shapes: ['multi'],
    wire: `+OK\r\nshort\r\n${'z'.repeat(40)}\r\n.\r\n`,
    limits: SMALL,
    expected: { replies: [], error: 'POP3_LINE_TOO_LONG' },
  },
  {
    name: 'body over its size limit',
    shapes: ['multi'],
    wire: '+OK\r\n0123456789\r\n0123456789\r\n.\r\n',
    maxBytes: 16,
    expected: { replies: [], error: 'POP3_RESPONSE_TOO_LARGE' },
  },
  {
    name: 'the error latches: later bytes are ignored',
    shapes: ['single', 'single'],
    wire: 'bogus\r\n+OK\r\n',
    expected: { replies: [], error: 'POP3_BAD_STATUS' },
  },
];

describe('ReplyParser', () => {
  for (const testCase of CASES) {
    for (const [feedName, feed] of FEEDS) {
      it(`${testCase.name} (${feedName})`, () => {
        for (const chunks of feed(encode(testCase.wire))) {
          const outcome = run(testCase.shapes, chunks, testCase);
          expect(outcome).toEqual(testCase.expected);
        }
      });
    }
  }

  it('reports an over-long status line before it ends (10 MiB without CRLF)', () => {
    let error: string | undefined;
    let pushedAfterError = 0;
    const parser = new ReplyParser({
      onStatus: () => undefined,
      onData: () => undefined,
      onEnd: () => undefined,
      onError: (e) => (error = e.code),
    });
    parser.expect('greeting');
    const chunk = new Uint8Array(64 * 1024).fill(0x41);
    for (let sent = 0; sent < 10 * 1024 * 1024; sent += chunk.length) {
      if (error) pushedAfterError++;
      parser.push(chunk);
    }
    expect(error).toBe('POP3_LINE_TOO_LONG');
    expect(parser.isFailed).toBe(true);
    expect(pushedAfterError).toBeGreaterThan(100);
  });

  it('streams a large body as views of the input, in order', () => {
    const line = `${'b'.repeat(74)}\r\n`;
    const body = line.repeat(20_000);
    const wire = encode(`+OK\r\n${body}.\r\n`);
    const received: Uint8Array[] = [];
    let ended = false;
    const parser = new ReplyParser({
      onStatus: () => undefined,
      onData: (chunk) => received.push(chunk),
      onEnd: () => (ended = true),
      onError: (e) => {
        throw e;
      },
    });
    parser.expect('multi');
    for (let at = 0; at < wire.length; at += 65_536) parser.push(wire.subarray(at, at + 65_536));
    expect(ended).toBe(true);
    expect(decode(concatBytes(received))).toBe(body);
    // Few, large chunks: no per-line copying.
    expect(received.length).toBeLessThan(wire.length / 60_000 + 2);
  });
});

/** RFC 1939 §3 byte-stuffing, as a server does it. */
function stuff(body: Uint8Array): Uint8Array {
  const out: number[] = [];
  let atLineStart = true;
  for (const byte of body) {
    if (atLineStart && byte === 0x2e) out.push(0x2e);
    out.push(byte);
    atLineStart = byte === 0x0a;
  }
  return Uint8Array.from(out);
}

describe('ReplyParser properties', () => {
  // Bodies as a server sends them: CRLF-terminated lines of arbitrary bytes
  // (dots and CRs included, but no LF inside a line).
  const lineArb = fc
    .array(fc.oneof(fc.constantFrom(0x2e, 0x0d, 0x20, 0x41), fc.integer({ min: 0, max: 255 })), {
      maxLength: 30,
    })
    .map((bytes) => bytes.filter((byte) => byte !== 0x0a));
  const bodyArb = fc
    .array(lineArb, { maxLength: 12 })
    .map((lines) => concatBytes(lines.map((line) => Uint8Array.from([...line, 0x0d, 0x0a]))));

  it('dot-stuffing round-trips under any chunking', () => {
    fc.assert(
      fc.property(bodyArb, fc.array(fc.nat(), { maxLength: 8 }), (body, cuts) => {
        const wire = concatBytes([encode('+OK\r\n'), stuff(body), encode('.\r\n+OK\r\n')]);
        const received: Uint8Array[] = [];
        let ends = 0;
        const parser = new ReplyParser({
          onStatus: () => undefined,
          onData: (chunk) => received.push(chunk.slice()),
          onEnd: () => ends++,
          onError: (error) => {
            throw error;
          },
        });
        parser.expect('multi');
        parser.expect('single');
        for (const chunk of splitAt(
          wire,
          cuts.map((cut) => cut % (wire.length + 1)),
        )) {
          parser.push(chunk);
        }
        expect(ends).toBe(2);
        expect(concatBytes(received)).toEqual(body);
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes end in replies or exactly one protocol error, never a throw', () => {
    const shapeArb = fc.constantFrom<ExpectedShape>('single', 'multi', 'sasl');
    fc.assert(
      fc.property(
        fc.array(shapeArb, { minLength: 1, maxLength: 6 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (shapes, bytes, cuts) => {
          let errors = 0;
          const parser = new ReplyParser(
            {
              onStatus: () => undefined,
              onData: () => undefined,
              onEnd: () => undefined,
              onError: () => errors++,
            },
            { maxStatusLine: 100, maxBodyLine: 50 },
          );
          for (const shape of shapes) parser.expect(shape, 200);
          for (const chunk of splitAt(
            bytes,
            cuts.map((cut) => cut % (bytes.length + 1)),
          )) {
            expect(() => parser.push(chunk)).not.toThrow();
          }
          expect(errors).toBeLessThanOrEqual(1);
          expect(parser.isFailed).toBe(errors === 1);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

/** A chunk whose slice() is a view, as Node's Buffer#slice is. */
class ViewSlicing extends Uint8Array {
  override slice(start?: number, end?: number): Uint8Array<ArrayBuffer> {
    return this.subarray(start, end);
  }
}

describe('ReplyParser with a reused read buffer', () => {
  it('keeps copies of what it holds between chunks, not views a later read overwrites', () => {
    const seen: string[] = [];
    const parser = new ReplyParser({
      onStatus: (status) => seen.push(`${status.kind} ${status.text}`),
      onData: (chunk) => seen.push(decode(chunk)),
      onEnd: () => seen.push('end'),
      onError: (error) => seen.push(error.code),
    });
    parser.expect('single');
    parser.expect('multi');
    // Each chunk is overwritten right after push(), as a shared read buffer is.
    for (const text of ['+OK hel', 'lo\r\n+OK\r\nbody\r\n.', '\r\n']) {
      const chunk = new ViewSlicing(encode(text));
      parser.push(chunk);
      chunk.fill(0x78);
    }
    expect(seen).toEqual(['ok hello', 'end', 'ok ', 'body\r\n', 'end']);
  });
});
