import { describe, expect, it } from 'vitest';
import {
  isPseudoUidl,
  parseCapa,
  parseGreeting,
  parseList,
  parseStat,
  parseUidl,
  parseUidlLine,
  pseudoUidl,
} from '../../../shared/pop3/replies.ts';
import { Pop3ProtocolError } from '../../../shared/pop3/errors.ts';
import { parseStatusLine } from '../../../shared/pop3/status.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(Pop3ProtocolError);
    return (error as Pop3ProtocolError).code;
  }
  return undefined;
}

describe('parseStatusLine', () => {
  it('reads response codes (RFC 2449 §8, RFC 3206)', () => {
    expect(parseStatusLine('-ERR [LOGIN-DELAY] wait')).toEqual({
      kind: 'err',
      text: 'wait',
      responseCode: 'LOGIN-DELAY',
    });
    expect(parseStatusLine('-ERR [auth] bad')).toEqual({
      kind: 'err',
      text: 'bad',
      responseCode: 'AUTH',
    });
    expect(parseStatusLine('+OK [SYS/TEMP/X] hm')).toMatchObject({ responseCode: 'SYS/TEMP/X' });
    expect(parseStatusLine('-ERR [not a code')).toEqual({
      kind: 'err',
      text: '[not a code',
      responseCode: undefined,
    });
    expect(parseStatusLine('+OKAY')).toBeUndefined();
    expect(parseStatusLine('-ERROR')).toBeUndefined();
    expect(parseStatusLine('+')).toEqual({ kind: 'continue', text: '' });
  });
});

describe('parseGreeting', () => {
  it('finds a valid APOP timestamp (RFC 1939 §7)', () => {
    const greeting = parseGreeting('POP3 server ready <1896.697170952@dbc.mtview.ca.us>');
    expect(greeting.apopTimestamp).toBe('<1896.697170952@dbc.mtview.ca.us>');
    expect(greeting.hasInvalidTimestamp).toBe(false);
  });

  it('has no timestamp when there is none', () => {
    expect(parseGreeting('Dovecot ready.')).toMatchObject({
      apopTimestamp: undefined,
      hasInvalidTimestamp: false,
    });
  });

  it('refuses a 300-byte timestamp (docs/security.md #32)', () => {
    const greeting = parseGreeting(`ready <${'a'.repeat(290)}@host.example>`);
    expect(greeting.apopTimestamp).toBeUndefined();
    expect(greeting.hasInvalidTimestamp).toBe(true);
  });

  it('stays linear on 100,000 "<" (docs/security.md #32)', () => {
    const started = performance.now();
    const greeting = parseGreeting('<'.repeat(100_000));
    const greeting2 = parseGreeting(`${'<'.repeat(100_000)}>`);
    expect(greeting.apopTimestamp).toBeUndefined();
    expect(greeting2.apopTimestamp).toBeUndefined();
    // Generous bound: a quadratic scan takes seconds here.
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('parseCapa', () => {
  it('reads RFC 2449 capabilities', () => {
    const caps = parseCapa([
      'TOP',
      'UIDL',
      'USER',
      'PIPELINING',
      'RESP-CODES',
      'AUTH-RESP-CODE',
      'SASL PLAIN scram-sha-256',
      'LOGIN-DELAY 900',
      'EXPIRE NEVER',
      'IMPLEMENTATION Dovecot 2.3',
    ]);
    expect(caps).toMatchObject({
      isKnown: true,
      hasTop: true,
      hasUidl: true,
      hasUser: true,
      hasPipelining: true,
      hasStls: false,
      hasAuthRespCode: true,
      sasl: ['PLAIN', 'SCRAM-SHA-256'],
      loginDelaySeconds: 900,
      expireDays: 'never',
      implementation: 'Dovecot 2.3',
    });
    expect(parseCapa(['EXPIRE 30']).expireDays).toBe(30);
    expect(parseCapa([]).hasPipelining).toBe(false);
  });
});

describe('listings', () => {
  it('parses STAT', () => {
    expect(parseStat('2 320')).toEqual({ count: 2, size: 320 });
    expect(codeOf(() => parseStat('-1 20'))).toBe('POP3_BAD_LISTING');
    expect(codeOf(() => parseStat('two 20'))).toBe('POP3_BAD_LISTING');
    expect(codeOf(() => parseStat(''))).toBe('POP3_BAD_LISTING');
  });

  it('parses LIST and UIDL', () => {
    expect(parseList(['1 120', '2 200'])).toEqual([
      { msg: 1, size: 120 },
      { msg: 2, size: 200 },
    ]);
    expect(parseUidl(['1 whqtswO00WBw418f9t5JxYwZ', '2 QhdPYR:00WBw1Ph7x7'])).toEqual([
      { msg: 1, uidl: 'whqtswO00WBw418f9t5JxYwZ' },
      { msg: 2, uidl: 'QhdPYR:00WBw1Ph7x7' },
    ]);
  });

  it('takes STAT totals past 2 GiB, but not counts or message sizes', () => {
    expect(parseStat('3 5000000000')).toEqual({ count: 3, size: 5_000_000_000 });
    expect(parseList(['1 2147483647'])).toEqual([{ msg: 1, size: 2 ** 31 - 1 }]);
  });

  it('keys long and non-ASCII unique-ids by their SHA-256, never by the raw text', () => {
    const long = 'u'.repeat(5000);
    const [first, second] = parseUidl([`1 ${long}`, '2 ünique']);
    for (const entry of [first, second]) expect(entry?.uidl).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The same server id always maps to the same key, so a pending delete still finds it.
    expect(parseUidlLine(`7 ${long}`).uidl).toBe(first?.uidl);
    expect(second?.uidl).not.toBe(first?.uidl);
    expect(codeOf(() => parseUidl([`1 ${long}`, `2 ${long}`]))).toBe('POP3_BAD_LISTING');
  });

  it('keeps pseudo-UIDLs and server unique-ids apart', () => {
    expect(pseudoUidl(7)).toBe('#7');
    expect(isPseudoUidl(pseudoUidl(7))).toBe(true);
    expect(isPseudoUidl(parseUidlLine('7 whqtswO00WBw418f9t5JxYwZ').uidl)).toBe(false);
    // `#` is legal in a unique-id (RFC 1939 §7): such an id is hashed, so it is
    // never taken for a message number and stays deletable.
    const hashed = parseUidlLine('7 #7').uidl;
    expect(hashed).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(isPseudoUidl(hashed)).toBe(false);
  });

  const broken: Array<[string, () => unknown]> = [
    ['message number 0', () => parseList(['0 10'])],
    ['a negative size', () => parseList(['1 -5'])],
    ['a huge size', () => parseList(['1 99999999999999999999'])],
    ['a size past 2^31-1', () => parseList(['1 2147483648'])],
    ['a message number past 2^31-1', () => parseList(['2147483648 10'])],
    ['a size with a sign', () => parseList(['1 +10'])],
    ['an exponent', () => parseStat('1e9 0')],
    ['a hex-looking count', () => parseStat('00x1 0')],
    ['a negative count', () => parseStat('-5 100')],
    ['a repeated number', () => parseList(['1 10', '1 10'])],
    ['an empty unique-id', () => parseUidl(['1 '])],
    ['a unique-id with a control character', () => parseUidl(['1 a\tb'])],
    ['a duplicate unique-id', () => parseUidl(['1 abc', '2 abc'])],
    ['a unique-id with NUL', () => parseUidl(['1 a\0b'])],
  ];
  for (const [name, fn] of broken) {
    it(`refuses ${name}`, () => {
      expect(codeOf(fn)).toBe('POP3_BAD_LISTING');
    });
  }
});
