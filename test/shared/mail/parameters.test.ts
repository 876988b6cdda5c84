// Structured values: quoted parameters, RFC 2231 continuations and charsets,
// and the encoded-words mailers put in file names.

import { describe, expect, it } from 'vitest';
import { parseStructured } from '../../../shared/mail/parameters.ts';

const params = (text: string, declared: string | null = null): Record<string, string> =>
  Object.fromEntries(parseStructured(text, declared).params);

describe('parseStructured', () => {
  it('reads the value and quoted or bare parameters', () => {
    const parsed = parseStructured('Text/HTML; Charset="koi8-r"; format=flowed');
    expect(parsed.value).toBe('text/html');
    expect(Object.fromEntries(parsed.params)).toEqual({ charset: 'koi8-r', format: 'flowed' });
  });

  it('keeps `;` inside quotes and the first of a repeated parameter', () => {
    expect(params('multipart/mixed; boundary="a;b"; boundary=c')).toEqual({ boundary: 'a;b' });
  });

  it('decodes an RFC 2231 value in its charset (§4)', () => {
    expect(params("attachment; filename*=gb2312''%D6%D0%CE%C4.txt")).toEqual({
      filename: '中文.txt',
    });
  });

  it('joins RFC 2231 continuations in section order, encoded or not (§3)', () => {
    const value =
      "attachment; filename*1*=%E6%8A%A5%E5%91%8A; filename*0*=UTF-8'zh'%E5%B9%B4%E5%BA%A6; filename*2=.pdf";
    expect(params(value)).toEqual({ filename: '年度报告.pdf' });
  });

  it('prefers the RFC 2231 form over a plain parameter of the same name', () => {
    expect(params("attachment; filename=fallback.txt; filename*=UTF-8''%C3%A9t%C3%A9.txt")).toEqual(
      {
        filename: 'été.txt',
      },
    );
  });

  it('decodes encoded-words and raw 8-bit bytes in plain values', () => {
    expect(params('attachment; filename="=?UTF-8?B?5oql5ZGKLnBkZg==?="')).toEqual({
      filename: '报告.pdf',
    });
    expect(params('attachment; filename="\xd6\xd0\xce\xc4.txt"', 'gbk')).toEqual({
      filename: '中文.txt',
    });
  });
});
