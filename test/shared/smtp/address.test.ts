import { describe, expect, it } from 'vitest';
import { checkAddress, checkDomain } from '../../../shared/smtp/address.ts';

describe('RFC 5321 mailbox syntax', () => {
  const valid: Array<[string, boolean]> = [
    ['alice@example.org', false],
    ['first.last+tag@sub.example.co.uk', false],
    ["o'hara!#$%&*/=?^_`{|}~-@example.org", false],
    ['"john doe"@example.org', false],
    ['"a\\"b"@example.org', false],
    ['user@[192.0.2.1]', false],
    ['user@[IPv6:2001:db8::1]', false],
    [`${'a'.repeat(64)}@example.org`, false],
    ['用户@例子.广告', true],
    ['josé@example.org', true],
  ];
  for (const [address, utf8] of valid) {
    it(`accepts ${address}${utf8 ? ' with SMTPUTF8' : ''}`, () => {
      expect(checkAddress(address, { utf8 })).toBeUndefined();
    });
  }

  const invalid: Array<[string, string, boolean?]> = [
    ['no-at-sign', 'needs a local part'],
    ['@example.org', 'needs a local part'],
    ['a..b@example.org', 'bad local part'],
    ['.a@example.org', 'bad local part'],
    ['a.@example.org', 'bad local part'],
    ['a b@example.org', 'bad local part'],
    ['a<b@example.org', 'bad local part'],
    ['"unterminated@example.org', 'bad quoted'],
    [`${'a'.repeat(65)}@example.org`, 'over 64'],
    ['a@', 'domain is empty'],
    ['a@-example.org', 'not valid'],
    ['a@example..org', 'not valid'],
    [`a@${'b'.repeat(64)}.org`, 'not valid'],
    [`a@${Array.from({ length: 60 }, () => 'abcd').join('.')}`, 'over 255'],
    [
      `${'a'.repeat(60)}@${Array.from({ length: 39 }, () => 'abcde').join('.')}`,
      'path is over 256',
    ],
    ['a@[300.1.1.1]', 'literal'],
    ['a@[general:thing]', 'literal'],
    ['josé@example.org', 'needs SMTPUTF8'],
    ['jose@例子.广告', 'needs SMTPUTF8'],
    ['a\tb@example.org', 'control'],
    ['a@exa\u0000mple.org', 'control'],
  ];
  for (const [address, reason, utf8] of invalid) {
    it(`refuses ${JSON.stringify(address.slice(0, 40))}: ${reason}`, () => {
      expect(checkAddress(address, { utf8: utf8 ?? false })).toContain(reason);
    });
  }

  it('checks EHLO domains the same way', () => {
    expect(checkDomain('client.example')).toBeUndefined();
    expect(checkDomain('[127.0.0.1]')).toBeUndefined();
    expect(checkDomain('bad_domain')).toContain('not valid');
  });
});
