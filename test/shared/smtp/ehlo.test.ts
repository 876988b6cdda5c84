import { describe, expect, it } from 'vitest';
import { formatEhloReply, parseEhlo } from '../../../shared/smtp/ehlo.ts';
import { SmtpReplyParser, type SmtpReply } from '../../../shared/smtp/reply-parser.ts';
import { decode, encode } from '../../support/feed.ts';

function replyOf(wire: string): SmtpReply {
  const replies: SmtpReply[] = [];
  new SmtpReplyParser({
    onReply: (r) => replies.push(r),
    onError: (e) => {
      throw e;
    },
  }).push(encode(wire));
  expect(replies).toHaveLength(1);
  return replies[0]!;
}

describe('parseEhlo', () => {
  it('reads a Postfix submission reply', () => {
    const caps = parseEhlo(
      replyOf(
        '250-mail.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-ETRN\r\n' +
          '250-AUTH PLAIN LOGIN SCRAM-SHA-256\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n' +
          '250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n',
      ),
    );
    expect(caps).toMatchObject({
      domain: 'mail.example.org',
      size: 10240000,
      auth: ['PLAIN', 'LOGIN', 'SCRAM-SHA-256'],
      pipelining: true,
      eightBitMime: true,
      smtpUtf8: true,
      enhancedStatusCodes: true,
      chunking: true,
      startTls: false,
      dsn: true,
    });
    expect(caps.keywords.get('ETRN')).toEqual([]);
  });

  it('reads STARTTLS, a SIZE without a limit, AUTH= and lower case', () => {
    const caps = parseEhlo(
      replyOf('250-smtp.example.com Hello\r\n250-size\r\n250-AUTH=login plain\r\n250 starttls\r\n'),
    );
    expect(caps.domain).toBe('smtp.example.com');
    expect(caps.size).toBe(0);
    expect(caps.auth).toEqual(['LOGIN', 'PLAIN']);
    expect(caps.startTls).toBe(true);
    expect(caps.pipelining).toBe(false);
  });

  it('offers nothing for a one-line reply and skips junk keywords and mechanisms', () => {
    const bare = parseEhlo(replyOf('250 host\r\n'));
    expect(bare.size).toBeUndefined();
    expect(bare.auth).toEqual([]);
    expect(bare.eightBitMime).toBe(false);
    const junk = parseEhlo(
      replyOf('250-host\r\n250-!!bad\r\n250-AUTH PL@IN CRAM-MD5\r\n250 SIZE x\r\n'),
    );
    expect(junk.keywords.has('!!BAD')).toBe(false);
    expect(junk.auth).toEqual(['CRAM-MD5']);
    expect(junk.size).toBe(0);
  });

  it('re-encodes a reply without hidden keywords, SIZE lowered, and reads back the same', () => {
    const reply = replyOf('250-host\r\n250-SIZE\r\n250-chunking\r\n250 AUTH=PLAIN\r\n');
    const wire = formatEhloReply(reply, { hide: new Set(['CHUNKING', 'AUTH']), size: 500 });
    expect(decode(wire)).toBe('250-host\r\n250 SIZE 500\r\n');
    expect(parseEhlo(replyOf(decode(wire))).size).toBe(500);
    expect(decode(formatEhloReply(replyOf('250 host\r\n'), { hide: new Set() }))).toBe(
      '250 host\r\n',
    );
  });
});
