// The plain-text tokenizer: literal text stays text, only intended links become
// links (docs/security.md #51; Roundcube CVE-2023-43770, CVE-2020-35730, CVE-2026-54433).
import { describe, expect, it } from 'vitest';
import { linkifyText, type TextToken } from '../../../client/reader/linkify.ts';

const links = (tokens: TextToken[]): string[] =>
  tokens.flatMap((t) => (t.type === 'link' ? [t.href] : []));
const joined = (tokens: TextToken[]): string =>
  tokens.map((t) => (t.type === 'link' ? t.text : t.value)).join('');

describe('linkifyText', () => {
  it.each([
    ['[<script>evil</script>] https://google.com', ['https://google.com/']],
    ['[<script>evil</script>]:##str_replacement_0##', []],
    ['a@a.co?]<img/src="x"/onerror=alert(document.domain)>', ['mailto:a@a.co']],
  ])('keeps the Roundcube payload %j literal', (text, expected) => {
    const tokens = linkifyText(text);
    expect(links(tokens)).toEqual(expected);
    expect(joined(tokens)).toBe(text);
  });

  it.each([
    [
      'see https://example.com/a?b=1#c.',
      'https://example.com/a?b=1#c',
      'https://example.com/a?b=1#c',
    ],
    [
      '(https://en.wikipedia.org/wiki/Foo_(bar))',
      'https://en.wikipedia.org/wiki/Foo_(bar)',
      'https://en.wikipedia.org/wiki/Foo_(bar)',
    ],
    ['<https://example.net/x>', 'https://example.net/x', 'https://example.net/x'],
    ['go to www.example.org/path, now', 'www.example.org/path', 'https://www.example.org/path'],
    ['HTTP://EXAMPLE.COM', 'HTTP://EXAMPLE.COM', 'http://example.com/'],
    [
      'mail me: mailto:x@example.com?subject=hi',
      'mailto:x@example.com?subject=hi',
      'mailto:x@example.com?subject=hi',
    ],
    [
      'write to first.last+tag@mail.example.co.uk.',
      'first.last+tag@mail.example.co.uk',
      'mailto:first.last+tag@mail.example.co.uk',
    ],
    ['请访问https://example.com/报告查看', 'https://example.com/', 'https://example.com/'],
  ])('finds the link in %j', (text, shown, href) => {
    const tokens = linkifyText(text);
    expect(tokens.filter((t) => t.type === 'link')).toEqual([{ type: 'link', text: shown, href }]);
    expect(joined(tokens)).toBe(text);
  });

  it.each([
    'javascript:alert(1)',
    'javascript://example.com/%0Aalert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'xhttps://example.com',
    'https://',
    'https://localhost',
    'user@localhost',
    'a@b',
    '@example.com',
    'ftp://example.com/file',
  ])('makes no link of %j', (text) => {
    expect(links(linkifyText(text))).toEqual([]);
  });

  it('stops a URL at quotes and angle brackets', () => {
    const text = 'https://example.com/"onmouseover="alert(1) https://example.com/<script>';
    expect(links(linkifyText(text))).toEqual(['https://example.com/', 'https://example.com/']);
  });

  it('treats &quot; as literal characters, not markup', () => {
    const tokens = linkifyText('https://example.com/&quot;x');
    expect(tokens).toEqual([
      { type: 'link', text: 'https://example.com/&quot;x', href: 'https://example.com/&quot;x' },
    ]);
  });

  it('tokenizes hostile input without losing a character', () => {
    const inputs = [
      'a'.repeat(200_000) + '@',
      'a@'.repeat(100_000),
      '@'.repeat(200_000),
      'https://'.repeat(25_000),
      'www.'.repeat(50_000),
      'x.'.repeat(100_000) + '@',
      'https://a.example/' + ')'.repeat(200_000),
      'https://a.example/' + '.'.repeat(200_000) + 'x',
    ];
    for (const input of inputs) {
      const tokens = linkifyText(input);
      expect(joined(tokens)).toBe(input);
    }
  });
});

describe('linkifyText mailto', () => {
  it('drops attach fields from linked mailto URLs (payload class 17)', () => {
    const tokens = linkifyText('write to mailto:a@evil.example?attach=/etc/passwd&subject=hi now');
    expect(tokens.filter((t) => t.type === 'link').map((t) => t.href)).toEqual([
      'mailto:a@evil.example?subject=hi',
    ]);
  });
});
