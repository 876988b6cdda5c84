// The HTML prescan: what Chromium and Firefox take from `<meta>` in the first
// 1,024 bytes, and what they skip (comments, other tags' attributes, late metas).

import { describe, expect, it } from 'vitest';
import { charsetFromContent, prescanCharset } from '../../../shared/mail/meta-charset.ts';

const html = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('prescanCharset', () => {
  it.each([
    ['meta charset', '<meta charset="koi8-r">', 'koi8-r'],
    ['unquoted, upper case', '<META CHARSET=KOI8-R>', 'koi8-r'],
    [
      'http-equiv with content',
      '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">',
      'windows-1251',
    ],
    [
      'content before http-equiv',
      "<meta content='text/html;charset=big5' http-equiv=content-type>",
      'big5',
    ],
    ['a label mapped as WHATWG does', '<meta charset="gb2312">', 'gbk'],
    ['ks_c_5601-1987', '<meta charset="ks_c_5601-1987">', 'euc-kr'],
    ['UTF-16 in an ASCII document means UTF-8', '<meta charset="utf-16le">', 'utf-8'],
    [
      'after a doctype and other tags',
      '<!DOCTYPE html><html lang="ru"><head><meta charset="koi8-r">',
      'koi8-r',
    ],
    [
      'a meta inside a comment is skipped',
      '<!-- <meta charset="big5"> --><meta charset="euc-kr">',
      'euc-kr',
    ],
    [
      'a quoted `>` in another tag does not end it',
      '<a title="<meta charset=big5>"><meta charset="koi8-r">',
      'koi8-r',
    ],
    ['content without http-equiv is ignored', '<meta content="text/html; charset=big5">', null],
    [
      'an unknown label is skipped for the next meta',
      '<meta charset="x-nonsense"><meta charset="koi8-r">',
      'koi8-r',
    ],
    ['no declaration', '<html><body>hi</body></html>', null],
  ])('%s', (_name, input, expected) => {
    expect(prescanCharset(html(input))).toBe(expected);
  });

  it('looks at the first 1,024 bytes only', () => {
    const late = `<html>${' '.repeat(1020)}<meta charset="koi8-r">`;
    expect(prescanCharset(html(late))).toBeNull();
    const early = `<html>${' '.repeat(990)}<meta charset="koi8-r">`;
    expect(prescanCharset(html(early))).toBe('koi8-r');
  });

  it('ends on truncated input without looping', () => {
    for (const input of ['<meta charset="koi8', '<!-- never closed', '<a href="x', '<meta', '<']) {
      expect(prescanCharset(html(input))).toBeNull();
    }
  });
});

describe('charsetFromContent', () => {
  it.each([
    ['text/html; charset=koi8-r', 'koi8-r'],
    ['text/html; charset = "big5"', 'big5'],
    ['text/html; charsetx; charset=euc-kr', 'euc-kr'],
    ['text/html; charset="unclosed', null],
    ['text/html', null],
  ])('%s', (input, expected) => {
    expect(charsetFromContent(input)).toBe(expected);
  });
});
