// Display and download names of untrusted metadata (docs/security.md #52, payload class 16).
import { describe, expect, it } from 'vitest';
import {
  displayFileName,
  downloadFileName,
  formatSize,
  neutralizeText,
  safeFileName,
  shortenMiddle,
} from '../../../client/reader/display-text.ts';

describe('neutralizeText', () => {
  it('removes bidi overrides, isolates and marks so the real order shows', () => {
    expect(neutralizeText('photo\u202Egpj.exe')).toBe('photogpj.exe');
    for (const ch of [
      '\u202A',
      '\u202B',
      '\u202C',
      '\u202D',
      '\u202E',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
      '\u200E',
      '\u200F',
      '\u061C',
    ]) {
      expect(neutralizeText(`a${ch}b`)).toBe('ab');
    }
  });

  it('makes controls visible and whitespace controls spaces', () => {
    expect(neutralizeText('invoice.pdf\0.exe')).toBe('invoice.pdf\uFFFD.exe');
    expect(neutralizeText('a\u0007b\u0085c\u007Fd')).toBe('a\uFFFDb\uFFFDc\uFFFDd');
    expect(neutralizeText('a\tb\nc\u2028d')).toBe('a b c d');
  });

  it('leaves ordinary text, Chinese and Arabic alone', () => {
    for (const text of ['report.pdf', '报告.pdf', 'تقرير.pdf', '<svg onload=alert(1)>.txt']) {
      expect(neutralizeText(text)).toBe(text);
    }
  });
});

describe('shortenMiddle', () => {
  it('keeps short text and shortens long text around an ellipsis, keeping the extension', () => {
    expect(shortenMiddle('short.pdf', 60)).toBe('short.pdf');
    const long = `${'a'.repeat(100)}.pdf`;
    const short = shortenMiddle(long, 60);
    expect(Array.from(short)).toHaveLength(60);
    expect(short.endsWith('aaaa.pdf')).toBe(true);
    expect(short).toContain('\u2026');
  });

  it('never splits a surrogate pair', () => {
    const short = shortenMiddle('😀'.repeat(100), 10);
    expect(Array.from(short)).toHaveLength(10);
    expect(short).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/u);
  });
});

describe('displayFileName', () => {
  it('shows the neutralized name, or a typed fallback', () => {
    expect(displayFileName('photo\u202Egpj.exe')).toBe('photogpj.exe');
    expect(displayFileName(null, 'message/rfc822')).toBe('attachment.eml');
    expect(displayFileName('  ', 'image/png')).toBe('attachment.png');
    expect(displayFileName(null, 'application/x-unknown')).toBe('attachment.bin');
  });
});

describe('downloadFileName', () => {
  it.each([
    ['../../../../etc/passwd', '_.._.._.._etc_passwd'],
    ['C:\\Windows\\win.ini', 'C__Windows_win.ini'],
    ['<svg onload=alert(1)>.txt', '_svg onload=alert(1)_.txt'],
    ['evil\0.txt.exe', 'evil_.txt.exe'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['.htaccess', 'htaccess'],
    ['name. ', 'name'],
    ['报告.pdf', '报告.pdf'],
    ['a:b*c?d"e<f>g|h', 'a_b_c_d_e_f_g_h'],
  ])('%j saves as %j', (name, expected) => {
    expect(downloadFileName(name)).toBe(expected);
  });

  it('falls back when nothing usable is left', () => {
    expect(downloadFileName('///', 'text/plain')).toBe('attachment.txt');
    expect(downloadFileName('...')).toBe('attachment.bin');
    expect(safeFileName('\u202E')).toBe('');
  });

  it('bounds the length and keeps the extension', () => {
    const name = downloadFileName(`${'x'.repeat(400)}.docx`);
    expect(Array.from(name)).toHaveLength(150);
    expect(name.endsWith('.docx')).toBe(true);
  });
});

describe('formatSize', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [1536, '1.5 KB'],
    [20 * 1024, '20 KB'],
    [5 * 1024 * 1024, '5.0 MB'],
    [3 * 1024 ** 3, '3.0 GB'],
  ])('%i bytes is %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});
