// Header fields to the byte: RFC 2047 words (B or Q as shorter, ≤ 75
// characters, whole characters), folding at 78, display names, dates, ids.

import { describe, expect, it } from 'vitest';
import {
  addressField,
  createMessageId,
  formatDate,
  messageIdField,
  unstructuredField,
} from '../../../shared/compose/header-fields.ts';
import { decodeEncodedWords } from '../../../shared/mail/encoded-words.ts';
import { parseAddressList } from '../../../shared/mail/addresses.ts';

const encoder = new TextEncoder();

/** The value of a built field, unfolded (RFC 5322 §2.2.3: only the CRLF goes). */
const unfold = (field: string): string =>
  field
    .replace(/\r\n$/, '')
    .replace(/\r\n(?=[ \t])/g, '')
    .replace(/^[^:]+: ?/, '');
const words = (field: string): string[] => field.match(/=\?[^?]+\?[BQ]\?[^?]*\?=/g) ?? [];

describe('unstructuredField (Subject)', () => {
  it.each([
    ['plain ASCII as it is', 'Lunch at noon', 'Subject: Lunch at noon\r\n'],
    ['an empty subject', '', 'Subject: \r\n'],
    ['ends trimmed, inner spaces kept', '  a   b  ', 'Subject: a   b\r\n'],
    [
      'mostly ASCII letters as Q (shorter)',
      'Zürichsee trip',
      'Subject: =?UTF-8?Q?Z=C3=BCrichsee?= trip\r\n',
    ],
    ['few letters as B (shorter)', 'Café', 'Subject: =?UTF-8?B?Q2Fmw6k=?=\r\n'],
    ['Chinese as B (shorter)', '周末爬山计划', 'Subject: =?UTF-8?B?5ZGo5pyr54is5bGx6K6h5YiS?=\r\n'],
    [
      'adjacent non-ASCII words share one run, their space inside',
      'Re: 你好 世界',
      'Subject: Re: =?UTF-8?B?5L2g5aW9IOS4lueVjA==?=\r\n',
    ],
    [
      'text that looks like an encoded-word is encoded',
      '=?x?q?y?=',
      'Subject: =?UTF-8?B?PT94P3E/eT89?=\r\n',
    ],
    [
      'long ASCII text folds at spaces',
      'one two three four five six seven eight nine ten eleven twelve thirteen fourteen',
      'Subject: one two three four five six seven eight nine ten eleven twelve\r\n thirteen fourteen\r\n',
    ],
  ])('%s', (_name, text, field) => {
    expect(unstructuredField('Subject', text)).toBe(field);
  });

  it.each([
    ['Chinese', '这是一个很长的中文主题，用来检查编码词的长度是否超过七十五个字符的限制以及折行'],
    ['emoji with ZWJ sequences', '👨‍👩‍👧‍👦 family 🏳️‍🌈 flag '.repeat(5)],
    ['combining marks', 'e\u0301'.repeat(60)],
    ['a word of 300 letters', 'x'.repeat(300)],
    ['a first word of 70 letters', `${'y'.repeat(70)} end`],
    ['a later word of 77 letters', `start ${'z'.repeat(77)}`],
    ['mixed scripts', 'Привет мир — こんにちは世界 — مرحبا بالعالم — שלום עולם'],
    ['controls and a newline', 'a\r\nBcc: evil@example.com\u0000'],
  ])('%s: words ≤ 75, lines ≤ 78, whole UTF-8 characters, decodes back', (_name, text) => {
    const field = unstructuredField('Subject', text);
    for (const line of field.split('\r\n').slice(0, -1))
      expect(line.length).toBeLessThanOrEqual(78);
    expect(field).not.toMatch(/[^\x20-\x7e\r\n]/);
    expect(field.match(/\r\n/g)).toHaveLength(field.split('\r\n').length - 1);
    for (const word of words(field)) {
      expect(word.length).toBeLessThanOrEqual(75);
      // Each word alone is valid UTF-8: no character is cut between two.
      const single = decodeEncodedWords(word);
      expect(single).not.toContain('\ufffd');
    }
    expect(decodeEncodedWords(unfold(field))).toBe(text.trim());
  });

  it('sizes the first word to the room after the field name', () => {
    const field = unstructuredField('Subject', '中'.repeat(40));
    const [first = ''] = field.split('\r\n');
    expect(first.startsWith('Subject: =?UTF-8?B?')).toBe(true);
    expect(first.length).toBeLessThanOrEqual(78);
    expect(first.length).toBeGreaterThan(70);
  });
});

describe('addressField', () => {
  it.each([
    ['a bare address', [{ name: '', address: 'a@example.org' }], 'To: a@example.org\r\n'],
    [
      'a name of atoms',
      [{ name: 'Ann Lee', address: 'a@example.org' }],
      'To: Ann Lee <a@example.org>\r\n',
    ],
    [
      'a name with a comma is quoted',
      [{ name: 'Lee, Ann', address: 'a@example.org' }],
      'To: "Lee, Ann" <a@example.org>\r\n',
    ],
    [
      'a dot needs quotes',
      [{ name: 'Dr. Who', address: 'w@example.org' }],
      'To: "Dr. Who" <w@example.org>\r\n',
    ],
    [
      'quotes and backslashes escaped',
      [{ name: 'A "B" \\', address: 'a@example.org' }],
      'To: "A \\"B\\" \\\\" <a@example.org>\r\n',
    ],
    [
      'a non-ASCII name as encoded-words',
      [{ name: '张三', address: 'z@example.cn' }],
      'To: =?UTF-8?B?5byg5LiJ?= <z@example.cn>\r\n',
    ],
    [
      'several, folded between mailboxes',
      [
        { name: 'Ann Lee', address: 'ann.lee@example.org' },
        { name: 'Bob Stone', address: 'bob.stone@example.org' },
        { name: '', address: 'carol@example.org' },
      ],
      'To: Ann Lee <ann.lee@example.org>, Bob Stone <bob.stone@example.org>,\r\n carol@example.org\r\n',
    ],
  ])('%s', (_name, mailboxes, field) => {
    expect(addressField('To', mailboxes)).toBe(field);
  });

  it('reads back through shared/mail with names and addresses exact', () => {
    const mailboxes = [
      { name: 'Zhang San 张三', address: 'zs@example.cn' },
      { name: 'Ann 😀 "the" Lee, Jr.', address: 'ann@example.org' },
      { name: 'x'.repeat(120), address: 'long@example.org' },
      { name: '', address: 'plain@example.org' },
    ];
    const field = addressField('Cc', mailboxes);
    for (const line of field.split('\r\n').slice(0, -1))
      expect(line.length).toBeLessThanOrEqual(78);
    expect(parseAddressList(unfold(field))).toEqual(mailboxes);
  });
});

describe('dates and message-ids', () => {
  it.each([
    [Date.UTC(2026, 11, 8, 2, 10, 59), 0, 'Tue, 08 Dec 2026 02:10:59 +0000'],
    [Date.UTC(2026, 11, 8, 2, 10, 59), 480, 'Tue, 08 Dec 2026 10:10:59 +0800'],
    [Date.UTC(2026, 0, 1, 3, 0, 0), -330, 'Wed, 31 Dec 2025 21:30:00 -0530'],
  ])('formatDate(%i, %i)', (time, offset, text) => {
    expect(formatDate(new Date(time), offset)).toBe(text);
    expect(Date.parse(text)).toBe(time);
  });

  it('makes a Message-ID from 128 random bits and the sender domain', () => {
    const random = Uint8Array.from({ length: 16 }, (_, i) => i * 16);
    expect(createMessageId(random, 'ann@mail.example.org')).toBe(
      '<00102030405060708090a0b0c0d0e0f0@mail.example.org>',
    );
    expect(createMessageId(random, 'ann@例子.广告')).toMatch(/@compose\.invalid>$/);
    expect(createMessageId(random, 'ann@例子.广告', { utf8: true })).toMatch(/@例子\.广告>$/);
  });

  it('folds References between ids and adds missing brackets', () => {
    const ids = Array.from({ length: 5 }, (_, i) => `message-${i}-abcdef@example.org`);
    const field = messageIdField('References', ids);
    expect(field).toBe(
      'References: <message-0-abcdef@example.org> <message-1-abcdef@example.org>\r\n' +
        ' <message-2-abcdef@example.org> <message-3-abcdef@example.org>\r\n' +
        ' <message-4-abcdef@example.org>\r\n',
    );
    expect(encoder.encode(field).length).toBe(field.length);
  });
});
