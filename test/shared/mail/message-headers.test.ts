// The one header rule: raw 8-bit bytes in the declared charset (top level, or
// the first text part of a whole message), UTF-8 when valid, address lists,
// and the same answer for a header block (TOP n 0) and the whole message.

import { describe, expect, it } from 'vitest';
import { parseDate, parseMailbox } from '../../../shared/mail/addresses.ts';
import { readMessageHeaders } from '../../../shared/mail/message-headers.ts';

const ascii = (text: string): number[] => [...new TextEncoder().encode(text)];
const message = (...pieces: Array<string | number[]>): Uint8Array =>
  Uint8Array.from(pieces.flatMap((piece) => (typeof piece === 'string' ? ascii(piece) : piece)));

/** 黄山游 in GB2312, the example. */
const HUANGSHAN = [0xbb, 0xc6, 0xc9, 0xbd, 0xd3, 0xce];

describe('readMessageHeaders', () => {
  it('reads raw GB2312 subject bytes in the charset the message declares', () => {
    const block = message(
      'Subject: ',
      HUANGSHAN,
      '\r\nContent-Type: text/plain; charset=gb2312\r\n\r\n',
    );
    expect(readMessageHeaders(block)).toMatchObject({ subject: '黄山游', charset: 'gbk' });
  });

  it('reads raw bytes in the first text part’s charset when the top level names none', () => {
    const whole = message(
      'Subject: ',
      HUANGSHAN,
      '\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n',
      '--b\r\nContent-Type: image/png\r\n\r\nx\r\n',
      '--b\r\nContent-Type: text/plain; charset=gb2312\r\n\r\nhi\r\n--b--\r\n',
    );
    expect(readMessageHeaders(whole)).toMatchObject({ subject: '黄山游', charset: 'gbk' });
  });

  it('reads valid UTF-8 raw bytes as UTF-8 whatever the declared charset', () => {
    const block = message('Subject: 你好\r\nContent-Type: text/plain; charset=koi8-r\r\n\r\n');
    expect(readMessageHeaders(block).subject).toBe('你好');
  });

  it('falls back to windows-1252, as browsers do, when nothing is declared', () => {
    expect(readMessageHeaders(message('Subject: caf', [0xe9], '\r\n\r\n')).subject).toBe('café');
  });

  it('reads raw ISO-2022-JP (7-bit, so valid UTF-8) by its escapes when declared', () => {
    const block = message(
      'Subject: \x1b$B2q5D\x1b(B\r\nContent-Type: text/plain; charset=iso-2022-jp\r\n\r\n',
    );
    expect(readMessageHeaders(block).subject).toBe('会議');
  });

  it('decodes every address list, raw display names and groups included', () => {
    const block = message(
      'From: "',
      [0xd5, 0xc5, 0xc8, 0xfd],
      '" <zhang@example.cn>\r\n',
      'To: =?UTF-8?B?5p2O5Zub?= <li@example.cn>, team: a@x.test, b@x.test;\r\n',
      'Cc: c@x.test (Carol)\r\nReply-To: <r@x.test>\r\n',
      'Content-Type: text/plain; charset=gbk\r\n\r\n',
    );
    const headers = readMessageHeaders(block);
    expect(headers.from).toEqual({ name: '张三', address: 'zhang@example.cn' });
    expect(headers.to).toEqual([
      { name: '李四', address: 'li@example.cn' },
      { name: '', address: 'a@x.test' },
      { name: '', address: 'b@x.test' },
    ]);
    expect(headers.cc).toEqual([{ name: 'Carol', address: 'c@x.test' }]);
    expect(headers.replyTo).toEqual([{ name: '', address: 'r@x.test' }]);
  });

  it('gives a header block and its whole message the same subject and sender', () => {
    const head = message(
      'From: ',
      [0xc8, 0xfd],
      ' <z@x.cn>\r\nSubject: ',
      HUANGSHAN,
      '\r\nContent-Type: text/plain; charset=gbk\r\n\r\n',
    );
    const whole = message(...[Array.from(head)], 'body\r\n');
    expect(readMessageHeaders(whole)).toEqual(readMessageHeaders(head));
  });

  it('copes with no header at all', () => {
    expect(readMessageHeaders(new Uint8Array())).toEqual({
      subject: '',
      from: null,
      to: [],
      cc: [],
      replyTo: [],
      date: null,
      contentType: '',
      charset: null,
    });
  });
});

describe('parseMailbox', () => {
  it.each([
    ['Ann Example <ann@example.org>', 'Ann Example', 'ann@example.org'],
    ['"Doe, John" <john@example.org>', 'Doe, John', 'john@example.org'],
    ['john@example.org (John Doe)', 'John Doe', 'john@example.org'],
    ['john@example.org', '', 'john@example.org'],
    ['=?UTF-8?B?5byg5LiJ?= <zhang@example.cn>', '张三', 'zhang@example.cn'],
  ])('%s', (input, name, address) => {
    expect(parseMailbox(input)).toEqual({ name, address });
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
