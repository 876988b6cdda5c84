import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  SmtpReplyParser,
  enhancedCode,
  replyText,
  type SmtpParserLimits,
  type SmtpReply,
} from '../../../shared/smtp/reply-parser.ts';
import { SmtpProtocolError } from '../../../shared/smtp/errors.ts';
import { encode, FEEDS } from '../../support/feed.ts';

interface Outcome {
  replies: SmtpReply[];
  error?: string;
}

function run(chunks: Uint8Array[], limits?: SmtpParserLimits): Outcome {
  const outcome: Outcome = { replies: [] };
  const parser = new SmtpReplyParser(
    {
      onReply: (reply) => outcome.replies.push(reply),
      onError(error) {
        expect(error).toBeInstanceOf(SmtpProtocolError);
        expect(outcome.error).toBeUndefined();
        outcome.error = error.code;
      },
    },
    limits,
  );
  for (const chunk of chunks) parser.push(chunk);
  return outcome;
}

const reply = (code: number, lines: string[], enhanced?: string): SmtpReply => ({
  code,
  enhanced,
  lines,
});

interface Case {
  name: string;
  wire: string;
  expected: Outcome;
  limits?: SmtpParserLimits;
}

const SMALL: SmtpParserLimits = { maxLine: 32, maxLines: 3 };

const CASES: Case[] = [
  {
    name: 'greeting (RFC 5321 §4.3.1)',
    wire: '220 mail.example.org ESMTP Postfix\r\n',
    expected: { replies: [reply(220, ['mail.example.org ESMTP Postfix'])] },
  },
  {
    name: 'multi-line EHLO reply (RFC 5321 §4.2.1)',
    wire: '250-mail.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 8BITMIME\r\n',
    expected: {
      replies: [reply(250, ['mail.example.org', 'PIPELINING', 'SIZE 10240000', '8BITMIME'])],
    },
  },
  {
    name: 'enhanced status codes lifted from every line (RFC 3463, RFC 2034)',
    wire: '535-5.7.8 Error: authentication\r\n535 5.7.8 failed\r\n',
    expected: { replies: [reply(535, ['Error: authentication', 'failed'], '5.7.8')] },
  },
  {
    name: 'a code alone on its line, and pipelined replies in one buffer',
    wire: '250\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n',
    expected: {
      replies: [
        reply(250, ['']),
        reply(250, ['Ok'], '2.1.5'),
        reply(354, ['End data with <CR><LF>.<CR><LF>']),
      ],
    },
  },
  {
    name: 'an enhanced code whose class differs from the reply is text',
    wire: '250 5.1.1 odd\r\n550 5.1.10 unknown\r\n',
    expected: { replies: [reply(250, ['5.1.1 odd']), reply(550, ['unknown'], '5.1.10')] },
  },
  {
    name: 'a bare LF ends a reply line too (servers in the wild)',
    wire: '220 hi\n250 ok\n',
    expected: { replies: [reply(220, ['hi']), reply(250, ['ok'])] },
  },
  {
    name: 'UTF-8 reply text (RFC 6531 §3.7.4)',
    wire: '250 2.0.0 好的\r\n',
    expected: { replies: [reply(250, ['好的'], '2.0.0')] },
  },
  {
    name: 'a line that is not a reply latches an error',
    wire: '250 ok\r\n+OK pop3?\r\n250 never\r\n',
    expected: { replies: [reply(250, ['ok'])], error: 'SMTP_BAD_REPLY' },
  },
  {
    name: 'a reply code out of range (RFC 5321 §4.2: 2-5, then 0-5)',
    wire: '262 what\r\n',
    expected: { replies: [], error: 'SMTP_BAD_REPLY' },
  },
  {
    name: 'a multi-line reply that changes code',
    wire: '250-one\r\n251 two\r\n',
    expected: { replies: [], error: 'SMTP_BAD_REPLY' },
  },
  {
    name: 'no separator after the code',
    wire: '250ok\r\n',
    expected: { replies: [], error: 'SMTP_BAD_REPLY' },
  },
  {
    name: 'a line over the limit, refused before its end',
    wire: `250 ${'x'.repeat(40)}`,
    limits: SMALL,
    expected: { replies: [], error: 'SMTP_LINE_TOO_LONG' },
  },
  {
    name: 'a line exactly at the limit passes',
    wire: `250 ${'x'.repeat(26)}\r\n`,
    limits: SMALL,
    expected: { replies: [reply(250, ['x'.repeat(26)])] },
  },
  {
    name: 'too many lines in one reply',
    wire: '250-a\r\n250-b\r\n250-c\r\n250 d\r\n',
    limits: SMALL,
    expected: { replies: [], error: 'SMTP_TOO_MANY_LINES' },
  },
];

describe('SmtpReplyParser', () => {
  for (const testCase of CASES) {
    for (const [feedName, runsOf] of FEEDS) {
      it(`${testCase.name} (${feedName})`, () => {
        for (const chunks of runsOf(encode(testCase.wire))) {
          expect(run(chunks, testCase.limits)).toEqual(testCase.expected);
        }
      });
    }
  }

  it('says when it is inside a reply', () => {
    const parser = new SmtpReplyParser({ onReply: () => {}, onError: () => {} });
    parser.push(encode('250-a\r\n'));
    expect(parser.isMidReply).toBe(true);
    parser.push(encode('250 b\r\n'));
    expect(parser.isMidReply).toBe(false);
  });

  it('ignores everything after it latched', () => {
    const outcome = run([encode('xyz\r\n'), encode('250 ok\r\n')]);
    expect(outcome).toEqual({ replies: [], error: 'SMTP_BAD_REPLY' });
  });

  it('joins a reply into one line of text', () => {
    expect(replyText(reply(550, ['mailbox ', 'unavailable'], '5.1.1'))).toBe(
      'mailbox  unavailable',
    );
    expect(enhancedCode(451, '4.7.1 try later')).toBe('4.7.1');
    expect(enhancedCode(451, '4.07.1 try later')).toBeUndefined();
  });

  it('random bytes end in replies or exactly one protocol error, never a throw', () => {
    const piece = fc.oneof(
      fc.constantFrom('250', '250-', '250 ', '\r\n', '\n', '\r', '5.7.8 ', '354 go\r\n', '-', ' '),
      fc.uint8Array({ maxLength: 12 }).map((bytes) => new TextDecoder().decode(bytes)),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (pieces, cuts) => {
          const bytes = encode(pieces.join(''));
          let errors = 0;
          const parser = new SmtpReplyParser(
            {
              onReply(reply) {
                expect(errors).toBe(0);
                expect(reply.code).toBeGreaterThanOrEqual(200);
                expect(reply.code).toBeLessThan(600);
              },
              onError: () => errors++,
            },
            { maxLine: 64, maxLines: 4 },
          );
          let at = 0;
          for (const cut of [...cuts.map((cut) => cut % (bytes.length + 1))].sort(
            (a, b) => a - b,
          )) {
            expect(() => parser.push(bytes.slice(at, cut))).not.toThrow();
            at = Math.max(at, cut);
          }
          expect(() => parser.push(bytes.slice(at))).not.toThrow();
          expect(errors).toBeLessThanOrEqual(1);
          expect(parser.isFailed).toBe(errors === 1);
        },
      ),
      { numRuns: 500 },
    );
  });
});
