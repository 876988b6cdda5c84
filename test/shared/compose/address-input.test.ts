// The To/Cc/Bcc box: what people type, each entry checked, bad ones named.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatAddressInput, parseAddressInput } from '../../../shared/compose/address-input.ts';

describe('parseAddressInput', () => {
  it.each([
    ['one address', 'a@example.org', [{ name: '', address: 'a@example.org' }]],
    [
      'the brief’s example',
      'Name <a@b.example>, c@d.example; "Last, First" <e@f.example>',
      [
        { name: 'Name', address: 'a@b.example' },
        { name: '', address: 'c@d.example' },
        { name: 'Last, First', address: 'e@f.example' },
      ],
    ],
    [
      'empty entries and spaces skipped',
      ' , a@example.org ,, ; ',
      [{ name: '', address: 'a@example.org' }],
    ],
    ['angle brackets alone', '<a@example.org>', [{ name: '', address: 'a@example.org' }]],
    ['a Chinese name', '张三 <zs@example.cn>', [{ name: '张三', address: 'zs@example.cn' }]],
    [
      'an escaped quote in a name',
      '"A \\"B\\"" <a@example.org>',
      [{ name: 'A "B"', address: 'a@example.org' }],
    ],
    [
      'a comma inside the angle brackets does not split',
      'x <"a,b"@example.org>',
      [{ name: 'x', address: '"a,b"@example.org' }],
    ],
    ['nothing', '', []],
  ])('%s', (_name, text, mailboxes) => {
    expect(parseAddressInput(text)).toEqual({ mailboxes, errors: [] });
  });

  it.each([
    ['no @', 'bob', 'bob', 'an address needs a local part, "@" and a domain'],
    ['a double @', 'a@@b.example', 'a@@b.example', undefined],
    [
      'a name without brackets',
      'Bob bob@example.org',
      'Bob bob@example.org',
      'a name needs its address in <…>',
    ],
    [
      'an unclosed angle',
      'Bob <bob@example.org',
      'Bob <bob@example.org',
      'the address has no closing ">"',
    ],
    ['a stray >', 'bob@example.org>', 'bob@example.org>', 'a ">" with no "<"'],
    [
      'an unclosed quote',
      '"Bob <bob@example.org>',
      '"Bob <bob@example.org>',
      'a quote is not closed',
    ],
    ['a bad domain', 'a@-bad-.example', 'a@-bad-.example', undefined],
    [
      'a non-ASCII address without SMTPUTF8',
      '用户@例子.广告',
      '用户@例子.广告',
      'a non-ASCII local part needs SMTPUTF8',
    ],
  ])('names the bad entry: %s', (_name, text, entry, reason) => {
    const result = parseAddressInput(`ok@example.org, ${text}, fine@example.org`);
    expect(result.mailboxes.map((m) => m.address)).toEqual(['ok@example.org', 'fine@example.org']);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.code).toBe('COMPOSE_BAD_ADDRESS');
    expect(result.errors[0]?.entry).toBe(entry);
    if (reason) expect(result.errors[0]?.reason).toBe(reason);
    else expect(result.errors[0]?.reason).toMatch(/./);
  });

  it('takes a UTF-8 address when the server offers SMTPUTF8', () => {
    expect(parseAddressInput('用户@例子.广告', { utf8: true }).mailboxes).toEqual([
      { name: '', address: '用户@例子.广告' },
    ]);
  });
});

describe('formatAddressInput', () => {
  it('writes names plainly or quoted, and reads back the same (property)', () => {
    const name = fc
      .string({ unit: 'grapheme', maxLength: 20 })
      .map((n) => n.replace(/[\r\n]/g, ''));
    const local = fc
      .stringMatching(/^[a-z0-9][a-z0-9.+_-]{0,10}[a-z0-9]$/)
      .filter((l) => !l.includes('..'));
    fc.assert(
      fc.property(
        fc.array(fc.record({ name, address: local.map((l) => `${l}@example.org`) }), {
          maxLength: 5,
        }),
        (mailboxes) => {
          const expected = mailboxes.map((m) => ({
            name: m.name.trim() === '' ? '' : m.name,
            address: m.address,
          }));
          const text = formatAddressInput(expected);
          expect(parseAddressInput(text)).toEqual({ mailboxes: expected, errors: [] });
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    [[{ name: 'Ann', address: 'a@x.example' }], 'Ann <a@x.example>'],
    [
      [
        { name: 'Lee, Ann', address: 'a@x.example' },
        { name: '', address: 'b@x.example' },
      ],
      '"Lee, Ann" <a@x.example>, b@x.example',
    ],
  ])('formats %j', (mailboxes, text) => {
    expect(formatAddressInput(mailboxes)).toBe(text);
  });
});
