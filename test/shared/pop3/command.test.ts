import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  encodeCommand,
  parseCommandLine,
  redactCommand,
  replyShape,
  type Pop3Command,
} from '../../../shared/pop3/command.ts';
import { Pop3Error } from '../../../shared/pop3/errors.ts';
import { decode } from '../../support/feed.ts';

describe('encodeCommand', () => {
  const good: Array<[Pop3Command, string]> = [
    [{ verb: 'USER', name: 'alice' }, 'USER alice\r\n'],
    [{ verb: 'PASS', password: 'two words' }, 'PASS two words\r\n'],
    [{ verb: 'LIST' }, 'LIST\r\n'],
    [{ verb: 'LIST', msg: 7 }, 'LIST 7\r\n'],
    [{ verb: 'TOP', msg: 3, lines: 0 }, 'TOP 3 0\r\n'],
    [{ verb: 'AUTH', mechanism: 'plain', initialResponse: '' }, 'AUTH PLAIN =\r\n'],
    [{ verb: 'AUTH', mechanism: 'SCRAM-SHA-256' }, 'AUTH SCRAM-SHA-256\r\n'],
    [{ verb: 'SASL', response: '*' }, '*\r\n'],
    [
      { verb: 'APOP', name: 'mrose', digest: 'C4C9334BAC560ECC979E58001B3E22FB' },
      'APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n',
    ],
  ];
  for (const [command, wire] of good) {
    it(`encodes ${wire.trim()}`, () => {
      expect(decode(encodeCommand(command))).toBe(wire);
    });
  }

  const bad: Array<[string, Pop3Command]> = [
    ['CRLF in a user name', { verb: 'USER', name: 'a\r\nDELE 1' }],
    ['LF in a password', { verb: 'PASS', password: 'x\nQUIT' }],
    ['NUL in a password', { verb: 'PASS', password: 'x\0y' }],
    ['a space in USER', { verb: 'USER', name: 'a b' }],
    ['message number 0', { verb: 'RETR', msg: 0 }],
    ['a negative message number', { verb: 'DELE', msg: -1 }],
    ['a fractional message number', { verb: 'LIST', msg: 1.5 }],
    ['NaN', { verb: 'UIDL', msg: Number.NaN }],
    ['a negative TOP line count', { verb: 'TOP', msg: 1, lines: -1 }],
    ['a line over 255 octets', { verb: 'PASS', password: 'p'.repeat(260) }],
    ['a non-base64 SASL response', { verb: 'SASL', response: 'not base64!' }],
    ['a bad mechanism name', { verb: 'AUTH', mechanism: 'PLAIN X' }],
    ['a short APOP digest', { verb: 'APOP', name: 'a', digest: 'abc' }],
  ];
  for (const [name, command] of bad) {
    it(`refuses ${name} with POP3_BAD_COMMAND`, () => {
      let caught: unknown;
      try {
        encodeCommand(command);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(Pop3Error);
      expect((caught as Pop3Error).code).toBe('POP3_BAD_COMMAND');
    });
  }

  it('allows SASL responses longer than 255 octets (RFC 5034 §4), up to 8 KiB', () => {
    expect(encodeCommand({ verb: 'SASL', response: 'A'.repeat(4000) }).length).toBe(4002);
    expect(() => encodeCommand({ verb: 'SASL', response: 'A'.repeat(9000) })).toThrow(Pop3Error);
  });

  it('knows which replies are multi-line', () => {
    expect(replyShape({ verb: 'LIST' })).toBe('multi');
    expect(replyShape({ verb: 'LIST', msg: 1 })).toBe('single');
    expect(replyShape({ verb: 'RETR', msg: 1 })).toBe('multi');
    expect(replyShape({ verb: 'CAPA' })).toBe('multi');
    expect(replyShape({ verb: 'AUTH', mechanism: 'PLAIN' })).toBe('sasl');
    expect(replyShape({ verb: 'DELE', msg: 1 })).toBe('single');
  });
});

describe('redactCommand', () => {
  it('never shows a secret', () => {
    expect(redactCommand({ verb: 'PASS', password: 'hunter2' })).toBe('PASS ****** [7]');
    expect(
      redactCommand({ verb: 'AUTH', mechanism: 'PLAIN', initialResponse: 'AGFsaWNlAGh1bnRlcjI=' }),
    ).toBe('AUTH PLAIN ****** [20]');
    expect(redactCommand({ verb: 'SASL', response: 'AGFsaWNlAGh1bnRlcjI=' })).not.toContain('AGF');
    expect(
      redactCommand({ verb: 'APOP', name: 'bob', digest: 'c4c9334bac560ecc979e58001b3e22fb' }),
    ).toBe('APOP bob ****** [32]');
    expect(redactCommand({ verb: 'RETR', msg: 4 })).toBe('RETR 4');
  });
});

describe('parseCommandLine', () => {
  const table: Array<[string, Pop3Command | string]> = [
    ['user alice', { verb: 'USER', name: 'alice' }],
    ['PASS with spaces', { verb: 'PASS', password: 'with spaces' }],
    ['STAT', { verb: 'STAT' }],
    ['list 3', { verb: 'LIST', msg: 3 }],
    ['TOP 2 10', { verb: 'TOP', msg: 2, lines: 10 }],
    ['AUTH plain', { verb: 'AUTH', mechanism: 'PLAIN' }],
    ['AUTH PLAIN =', { verb: 'AUTH', mechanism: 'PLAIN', initialResponse: '' }],
    ['STLS', { verb: 'STLS' }],
    ['XCLIENT ADDR=1.2.3.4', 'POP3_BAD_COMMAND'],
    ['RETR 0', 'POP3_BAD_COMMAND'],
    ['RETR -1', 'POP3_BAD_COMMAND'],
    ['RETR 1 2', 'POP3_BAD_COMMAND'],
    ['DELE', 'POP3_BAD_COMMAND'],
    ['STAT 1', 'POP3_BAD_COMMAND'],
    ['USER a\0b', 'POP3_BAD_COMMAND'],
    ['USER a\rb', 'POP3_BAD_COMMAND'],
    ['GET / HTTP/1.1', 'POP3_BAD_COMMAND'],
    [`PASS ${'x'.repeat(300)}`, 'POP3_BAD_COMMAND'],
    ['', 'POP3_BAD_COMMAND'],
  ];
  for (const [line, expected] of table) {
    it(`${JSON.stringify(line.slice(0, 30))} → ${typeof expected === 'string' ? expected : expected.verb}`, () => {
      const parsed = parseCommandLine(line);
      if (typeof expected === 'string') {
        expect(parsed).toBeInstanceOf(Pop3Error);
        expect((parsed as Pop3Error).code).toBe(expected);
      } else {
        expect(parsed).toEqual(expected);
      }
    });
  }

  it('reads SASL responses only in SASL mode', () => {
    expect(parseCommandLine('dXNlcg==', { isSaslResponse: true })).toEqual({
      verb: 'SASL',
      response: 'dXNlcg==',
    });
    expect(parseCommandLine('*', { isSaslResponse: true })).toEqual({
      verb: 'SASL',
      response: '*',
    });
    expect(parseCommandLine('dXNlcg==')).toBeInstanceOf(Pop3Error);
    expect(parseCommandLine('QUIT now', { isSaslResponse: true })).toBeInstanceOf(Pop3Error);
  });

  it('round-trips every encodable command', () => {
    const num = fc.integer({ min: 1, max: 2 ** 31 - 1 });
    const word = fc.stringMatching(/^[A-Za-z0-9._@-]{1,40}$/);
    const commandArb: fc.Arbitrary<Pop3Command> = fc.oneof(
      word.map((name) => ({ verb: 'USER' as const, name })),
      fc.stringMatching(/^[ -~]{1,60}$/).map((password) => ({ verb: 'PASS' as const, password })),
      num.map((msg) => ({ verb: 'RETR' as const, msg })),
      num.map((msg) => ({ verb: 'DELE' as const, msg })),
      num.map((msg) => ({ verb: 'UIDL' as const, msg })),
      fc
        .tuple(num, fc.integer({ min: 0, max: 1000 }))
        .map(([msg, lines]) => ({ verb: 'TOP' as const, msg, lines })),
      fc.constantFrom<Pop3Command>(
        { verb: 'STAT' },
        { verb: 'LIST' },
        { verb: 'NOOP' },
        { verb: 'RSET' },
        { verb: 'QUIT' },
        { verb: 'CAPA' },
      ),
    );
    fc.assert(
      fc.property(commandArb, (command) => {
        const wire = decode(encodeCommand(command));
        expect(wire.endsWith('\r\n')).toBe(true);
        expect(parseCommandLine(wire.slice(0, -2))).toEqual(command);
      }),
      { numRuns: 500 },
    );
  });
});
