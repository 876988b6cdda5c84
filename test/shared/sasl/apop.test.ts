// APOP (RFC 1939 §7): MD5 against RFC 1321's suite, the RFC 1939 example, and
// which greeting timestamps are acceptable.

import { describe, expect, it } from 'vitest';
import { md5Hex } from '../../../shared/pop3/sasl/apop.ts';
import { apopDigest, isValidApopTimestamp } from '../../../shared/pop3/sasl/index.ts';
import { bytes, expectSaslThrow } from './helpers.ts';

describe('md5Hex', () => {
  // RFC 1321 §A.5, the test suite.
  it.each([
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    [
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
      'd174ab98d277d9f5a5611c2c9f419d9f',
    ],
    ['1234567890'.repeat(8), '57edf4a22be3c955ac49da2e2107b67a'],
  ])('MD5(%j) = %s', (input, digest) => {
    expect(md5Hex(bytes(input))).toBe(digest);
  });
});

describe('apopDigest', () => {
  it('matches the RFC 1939 §7 example', () => {
    expect(apopDigest('<1896.697170952@dbc.mtview.ca.us>', 'tanstaaf')).toBe(
      'c4c9334bac560ecc979e58001b3e22fb',
    );
  });

  it('hashes a non-ASCII password as UTF-8', () => {
    expect(apopDigest('<a@b>', 'pässwörd')).toBe(md5Hex(bytes('<a@b>pässwörd')));
  });

  it('refuses a password with a lone surrogate rather than hashing U+FFFD', () => {
    const error = expectSaslThrow(() => apopDigest('<a@b>', 'pass\uD800word'));
    expect(error.message).not.toContain('pass');
  });
});

describe('isValidApopTimestamp', () => {
  const exactly = (length: number): string => {
    const left = Math.floor((length - 3) / 2);
    return `<${'a'.repeat(left)}@${'b'.repeat(length - 3 - left)}>`;
  };

  it('builds the length cases it claims', () => {
    expect(exactly(256)).toHaveLength(256);
    expect(exactly(300)).toHaveLength(300);
  });

  it.each([
    ['<1896.697170952@dbc.mtview.ca.us>', true],
    ['<a@b>', true],
    ['<4ac1.1.5a2f4e2b.xYz+abc==@mail.example.org>', true],
    ["<!#$%&'*+-/=?^_`{|}~@host>", true],
    ['<12345.1@[192.0.2.1]>', true],
    [exactly(256), true],
    [exactly(257), false],
    [exactly(300), false],
    ['', false],
    ['<>', false],
    ['<@>', false],
    ['<a@>', false],
    ['<@b>', false],
    ['<ab>', false],
    ['1896.697170952@dbc.mtview.ca.us', false],
    ['<1896.697170952@dbc.mtview.ca.us', false],
    ['1896.697170952@dbc.mtview.ca.us>', false],
    ['<a@b@c>', false],
    ['<a b@c>', false],
    ['<a\t@c>', false],
    ['<a\u0000@c>', false],
    ['<a\u007f@c>', false],
    ['<pé@host>', false],
    ['<a<b@c>', false],
    ['<a@b>c>', false],
    ['<a@b> ', false],
    [' <a@b>', false],
  ])('%j → %s', (timestamp, isValid) => {
    expect(isValidApopTimestamp(timestamp)).toBe(isValid);
  });

  it('refuses 100,000 "<" quickly (linear, no backtracking)', () => {
    const hostile = `<${'<'.repeat(100_000)}`;
    const started = performance.now();
    expect(isValidApopTimestamp(hostile)).toBe(false);
    expect(isValidApopTimestamp(`<${'<'.repeat(200)}@${'@'.repeat(50)}>`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
