// List-row headers: encoded-words in any charset TextDecoder knows (split
// multi-byte characters included), raw 8-bit GBK headers, sender forms, dates,
// the attachment mark, and hostile text that must stay text.

import { describe, expect, it } from 'vitest';
import { decodeEncodedWords } from '../../../client/mail/encoded-words.ts';
import { parseDate, parseSender, summarizeHeaders } from '../../../client/mail/header-summary.ts';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function withRaw(prefix: string, raw: number[], suffix: string): Uint8Array {
  return Uint8Array.from([...bytes(prefix), ...raw, ...bytes(suffix)]);
}

describe('decodeEncodedWords', () => {
  it.each([
    ['plain', 'Hello', 'Hello'],
    ['B, UTF-8', '=?UTF-8?B?5ZGo5pyr54is5bGx6K6h5YiS?=', '周末爬山计划'],
    ['Q with underscores', '=?iso-8859-1?Q?Caf=E9_au_lait?=', 'Café au lait'],
    ['GBK', '=?GBK?B?1tDOxA==?=', '中文'],
    ['gb2312 label', '=?gb2312?B?1tDOxA==?=', '中文'],
    ['a character split across two words', '=?UTF-8?B?5L0=?= =?UTF-8?B?oOWlvQ==?=', '你好'],
    ['text around words', 'Re: =?UTF-8?Q?caf=C3=A9?= time', 'Re: café time'],
    ['RFC 2231 language suffix', '=?UTF-8*en?Q?hi?=', 'hi'],
    ['unknown charset falls back to UTF-8', '=?x-unknown?Q?ok?=', 'ok'],
    ['broken base64 stays as written', '=?UTF-8?B?###?=', '=?UTF-8?B?###?='],
  ])('%s', (_name, input, output) => {
    expect(decodeEncodedWords(input)).toBe(output);
  });
});

describe('parseSender', () => {
  it.each([
    ['Ann Example <ann@example.org>', 'Ann Example', 'ann@example.org'],
    ['"Doe, John" <john@example.org>', 'Doe, John', 'john@example.org'],
    ['john@example.org (John Doe)', 'John Doe', 'john@example.org'],
    ['john@example.org', '', 'john@example.org'],
    ['=?UTF-8?B?5byg5LiJ?= <zhang@example.cn>', '张三', 'zhang@example.cn'],
    ['First <a@x>, Second <b@x>', 'First', 'a@x'],
  ])('%s', (input, name, address) => {
    expect(parseSender(input)).toEqual({ name, address });
  });
});

describe('parseDate', () => {
  it('reads RFC 5322 dates, comments included, and refuses nonsense', () => {
    expect(parseDate('Tue, 01 Jul 2025 10:00:00 +0200')).toBe(Date.UTC(2025, 6, 1, 8));
    expect(parseDate('Wed, 2 Jul 2025 08:00:00 +0800 (CST)')).toBe(Date.UTC(2025, 6, 2, 0));
    expect(parseDate('not a date')).toBeNull();
    expect(parseDate('')).toBeNull();
  });
});

describe('summarizeHeaders', () => {
  it('summarizes a header block', () => {
    const summary = summarizeHeaders(
      bytes(
        'Date: Tue, 01 Jul 2025 10:00:00 +0200\r\n' +
          'From: =?UTF-8?B?5byg5LiJ?= <zhang@example.cn>\r\n' +
          'Subject: =?UTF-8?B?6aG555uu6L+b5bqm5pu05paw?=\r\n' +
          ' =?UTF-8?Q?_=E2=80=93_week_12?=\r\n' +
          'Content-Type: multipart/mixed; boundary="x"\r\n\r\n',
      ),
    );
    expect(summary).toEqual({
      from: '张三',
      fromAddress: 'zhang@example.cn',
      subject: '项目进度更新 – week 12',
      date: Date.UTC(2025, 6, 1, 8),
      hasAttachment: true,
    });
  });

  it('decodes raw 8-bit GBK headers with the charset the message declares', () => {
    const block = withRaw(
      'From: a@example.cn\r\nSubject: ',
      [0xd6, 0xd0, 0xce, 0xc4],
      '\r\nContent-Type: text/plain; charset=gbk\r\n\r\n',
    );
    expect(summarizeHeaders(block).subject).toBe('中文');
  });

  it('takes the address when there is no name, and copes with no headers at all', () => {
    expect(summarizeHeaders(bytes('From: bob@example.org\r\n\r\n')).from).toBe('bob@example.org');
    expect(summarizeHeaders(new Uint8Array())).toEqual({
      from: '',
      fromAddress: '',
      subject: '',
      date: null,
      hasAttachment: false,
    });
  });

  it('keeps markup as text and removes bidi overrides', () => {
    const summary = summarizeHeaders(
      bytes(
        'Subject: =?UTF-8?B?PGltZyBzcmM9eCBvbmVycm9yPWFsZXJ0KDEpPg==?=\r\n' +
          'From: "\u202Eevil" <x@example.org>\r\n\r\n',
      ),
    );
    expect(summary.subject).toBe('<img src=x onerror=alert(1)>');
    expect(summary.from).toBe('evil');
  });

  it('bounds very long subjects', () => {
    const summary = summarizeHeaders(bytes(`Subject: ${'x'.repeat(5000)}\r\n\r\n`));
    expect(summary.subject.length).toBeLessThanOrEqual(500);
  });
});
