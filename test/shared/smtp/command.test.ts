import { describe, expect, it } from 'vitest';
import {
  encodeCommand,
  formatCommand,
  MAX_AUTH_LINE,
  parseCommandLine,
  redactCommand,
  type CommandContext,
  type SmtpCommand,
} from '../../../shared/smtp/command.ts';
import { SmtpError } from '../../../shared/smtp/errors.ts';
import { decode } from '../../support/feed.ts';

const ALL: CommandContext = {
  extensions: { size: 1000, eightBitMime: true, smtpUtf8: true },
};

const WIRE: Array<[SmtpCommand, string, CommandContext?]> = [
  [{ verb: 'EHLO', domain: 'client.example' }, 'EHLO client.example\r\n'],
  [{ verb: 'EHLO', domain: '[192.0.2.7]' }, 'EHLO [192.0.2.7]\r\n'],
  [
    { verb: 'AUTH', mechanism: 'plain', initialResponse: 'AGFsaWNlAHNlY3JldA==' },
    'AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n',
  ],
  [{ verb: 'AUTH', mechanism: 'PLAIN', initialResponse: '' }, 'AUTH PLAIN =\r\n'],
  [{ verb: 'AUTH', mechanism: 'LOGIN' }, 'AUTH LOGIN\r\n'],
  [{ verb: 'SASL', response: 'dXNlcg==' }, 'dXNlcg==\r\n'],
  [{ verb: 'SASL', response: '*' }, '*\r\n'],
  [{ verb: 'MAIL', from: 'alice@example.org' }, 'MAIL FROM:<alice@example.org>\r\n'],
  [{ verb: 'MAIL', from: '' }, 'MAIL FROM:<>\r\n'],
  [
    { verb: 'MAIL', from: 'josé@example.org', size: 999, body: '8BITMIME', smtpUtf8: true },
    'MAIL FROM:<josé@example.org> SIZE=999 BODY=8BITMIME SMTPUTF8\r\n',
    ALL,
  ],
  [{ verb: 'RCPT', to: 'bob@example.net' }, 'RCPT TO:<bob@example.net>\r\n'],
  [{ verb: 'RCPT', to: '"b b"@example.net' }, 'RCPT TO:<"b b"@example.net>\r\n'],
  [
    { verb: 'RCPT', to: '用户@例子.广告' },
    'RCPT TO:<用户@例子.广告>\r\n',
    { ...ALL, utf8Transaction: true },
  ],
  [{ verb: 'DATA' }, 'DATA\r\n'],
  [{ verb: 'RSET' }, 'RSET\r\n'],
  [{ verb: 'NOOP' }, 'NOOP\r\n'],
  [{ verb: 'QUIT' }, 'QUIT\r\n'],
];

describe('encodeCommand', () => {
  for (const [command, wire, context] of WIRE) {
    it(`encodes ${JSON.stringify(wire.trim())} and parses it back`, () => {
      expect(decode(encodeCommand(command, context))).toBe(wire);
      const isSaslResponse = command.verb === 'SASL';
      const parsed = parseCommandLine(wire.slice(0, -2), { ...context, isSaslResponse });
      const expected =
        command.verb === 'AUTH' || command.verb === 'MAIL' ? { ...command } : command;
      if (expected.verb === 'AUTH') expected.mechanism = expected.mechanism.toUpperCase();
      expect(parsed).toEqual(expected);
    });
  }

  const REFUSED: Array<[string, SmtpCommand, string, CommandContext?]> = [
    ['CR in EHLO', { verb: 'EHLO', domain: 'a\r\nRCPT TO:<x@y>' }, 'SMTP_BAD_COMMAND'],
    ['LF in an address', { verb: 'RCPT', to: 'a@b\nDATA' }, 'SMTP_BAD_COMMAND'],
    ['NUL in an address', { verb: 'MAIL', from: 'a\0@b.org' }, 'SMTP_BAD_COMMAND'],
    ['a bad mechanism name', { verb: 'AUTH', mechanism: 'PL AIN' }, 'SMTP_BAD_COMMAND'],
    ['a non-base64 response', { verb: 'SASL', response: 'not base64!' }, 'SMTP_BAD_COMMAND'],
    ['an address without a domain', { verb: 'RCPT', to: 'bob' }, 'SMTP_BAD_ADDRESS'],
    ['SIZE when not offered', { verb: 'MAIL', from: 'a@b.org', size: 10 }, 'SMTP_UNSUPPORTED'],
    [
      '8BITMIME when not offered',
      { verb: 'MAIL', from: 'a@b.org', body: '8BITMIME' },
      'SMTP_UNSUPPORTED',
    ],
    [
      'SMTPUTF8 when not offered',
      { verb: 'MAIL', from: 'a@b.org', smtpUtf8: true },
      'SMTP_UNSUPPORTED',
    ],
    [
      'a UTF-8 sender without SMTPUTF8',
      { verb: 'MAIL', from: 'josé@b.org' },
      'SMTP_BAD_ADDRESS',
      ALL,
    ],
    [
      'a UTF-8 recipient outside an SMTPUTF8 transaction',
      { verb: 'RCPT', to: 'josé@b.org' },
      'SMTP_BAD_ADDRESS',
      ALL,
    ],
    ['a negative SIZE', { verb: 'MAIL', from: 'a@b.org', size: -1 }, 'SMTP_BAD_COMMAND', ALL],
    ['a fractional SIZE', { verb: 'MAIL', from: 'a@b.org', size: 1.5 }, 'SMTP_BAD_COMMAND', ALL],
    [
      'an AUTH line over 12288 octets (RFC 4954 §4)',
      { verb: 'AUTH', mechanism: 'PLAIN', initialResponse: 'A'.repeat(MAX_AUTH_LINE) },
      'SMTP_BAD_COMMAND',
    ],
  ];
  for (const [name, command, code, context] of REFUSED) {
    it(`refuses ${name} with ${code}`, () => {
      let caught: unknown;
      try {
        formatCommand(command, context);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SmtpError);
      expect((caught as SmtpError).code).toBe(code);
    });
  }
});

describe('parseCommandLine', () => {
  const BAD: Array<[string, CommandContext?]> = [
    ['VRFY alice'],
    ['EXPN staff'],
    ['HELO client.example'],
    ['STARTTLS'],
    ['BDAT 10 LAST'],
    ['XCLIENT ADDR=1.2.3.4'],
    ['MAIL FROM: <a@b.org>'],
    ['MAIL FROM:<a@b.org>SIZE=1', ALL],
    ['MAIL FROM:<a@b.org> AUTH=<>', ALL],
    ['MAIL FROM:<a@b.org> SIZE=1 SIZE=2', ALL],
    ['MAIL FROM:<a@b.org> SIZE=10'],
    ['MAIL FROM:<a@b.org'],
    ['RCPT TO:<a@b.org> NOTIFY=NEVER'],
    ['RCPT TO:<@relay.example:a@b.org>'],
    ['DATA now'],
    ['QUIT '],
    ['AUTH PLAIN abc= extra'],
    ['EHLO'],
  ];
  for (const [line, context] of BAD) {
    it(`refuses ${JSON.stringify(line)}`, () => {
      expect(parseCommandLine(line, context)).toBeInstanceOf(SmtpError);
    });
  }

  it('reads verbs in any case, quoted local parts with ">" and a SASL cancel', () => {
    expect(parseCommandLine('mail from:<"a>b"@example.org>')).toEqual({
      verb: 'MAIL',
      from: '"a>b"@example.org',
    });
    expect(parseCommandLine('quit')).toEqual({ verb: 'QUIT' });
    expect(parseCommandLine('*', { isSaslResponse: true })).toEqual({
      verb: 'SASL',
      response: '*',
    });
    expect(parseCommandLine('QUIT NOW', { isSaslResponse: true })).toBeInstanceOf(SmtpError);
  });

  it('redacts secrets and addresses', () => {
    expect(redactCommand({ verb: 'AUTH', mechanism: 'PLAIN', initialResponse: 'c2VjcmV0' })).toBe(
      'AUTH PLAIN ****** [8]',
    );
    expect(redactCommand({ verb: 'SASL', response: 'c2VjcmV0' })).toBe('****** [8]');
    expect(redactCommand({ verb: 'RCPT', to: 'bob@example.net' })).not.toContain('bob');
    expect(redactCommand({ verb: 'MAIL', from: 'alice@example.org' })).not.toContain('alice');
  });
});
