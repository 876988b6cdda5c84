// Inline-style filtering (docs/security.md #46, payload classes 10 and 13). Pure string
// logic; the browser-side proof is the corpus run in test/e2e/reader.
import { describe, expect, it } from 'vitest';
import {
  extractUrls,
  filterInlineStyle,
  splitDeclarations,
  stripComments,
  unescapeCss,
} from '../../../client/reader/css-filter.ts';

const R = 'http://127.0.0.1:9/img';

describe('filterInlineStyle with remote content blocked', () => {
  it.each([
    `background: url(${R})`,
    `background-image: url("${R}")`,
    `list-style-image: url('${R}')`,
    `border-image: url(${R}) 30 round`,
    `cursor: url(${R}), auto`,
    `mask-image: url(${R})`,
    `-webkit-mask-image: url(${R})`,
    `mask-border-source: url(${R})`,
    `content: url(${R})`,
    `shape-outside: url(${R})`,
    `filter: url(${R}#f)`,
    `background-image: image-set("${R}" 1x)`,
    `background-image: -webkit-image-set(url(${R}) 1x)`,
    `background-image: cross-fade(url(${R}), url(${R}), 50%)`,
    `background-image: image("${R}")`,
    `--x: url(${R})`,
    `background: var(--missing, url(${R}))`,
    `background: var(--a, var(--b, url(${R})))`,
    `background: u\\r\\l(${R})`,
    `background: \\75\\72\\6C(${R})`,
    `background: \\75 \\72 \\6C (${R})`,
    `background: U/**/RL(${R})`,
    `background: url(//127.0.0.1:9/x)`,
    `background: url('//żą.ść?data:image&leak')`,
    `background-image: attr(data-src type(<url>))`,
    `background: url(cid:logo@x)`,
    `behavior: url(x.htc)`,
    `-moz-binding: url(x.xml#xss)`,
    `width: expression(alert(1))`,
  ])('drops %j', (declaration) => {
    expect(filterInlineStyle(`color: red; ${declaration}; margin: 0`, false).css).toBe(
      'color: red; margin: 0',
    );
  });

  it.each([
    'position: fixed',
    'position:fixed !important',
    'position\n:fixed',
    'position : fixed',
    'POSITION:FIXED',
    'position:\\66ixed',
    'position:/**/fixed',
    'position: sticky',
    'position: var(--p)',
  ])('drops the overlay declaration %j', (declaration) => {
    expect(filterInlineStyle(`${declaration}; top: 0`, false).css).toBe('top: 0');
  });

  it('keeps ordinary declarations as written', () => {
    const css =
      'color: #333; font: 14px/1.4 "Segoe UI", sans-serif; margin: 0 auto; position: relative; z-index: 2';
    expect(filterInlineStyle(css, false)).toEqual({ css, remoteUrls: [] });
  });

  it('reports the remote URLs an opt-in would load', () => {
    const result = filterInlineStyle(
      `background: url(${R}/a); background-image: url(${R}/b), url(${R}/c); cursor: url(${R}/d)`,
      false,
    );
    expect(result.css).toBe('');
    expect(result.remoteUrls).toEqual([`${R}/a`, `${R}/b`, `${R}/c`]);
  });

  it('lets an unclosed url( run to the end, as the tokenizer does', () => {
    expect(filterInlineStyle(`color: red; background: url(${R}; margin: 0`, false).css).toBe(
      'color: red',
    );
  });

  it('does not read a property split by a comment as that property', () => {
    expect(filterInlineStyle(`back/**/ground: url(${R}); color: green`, false)).toEqual({
      css: 'color: green',
      remoteUrls: [],
    });
  });
});

describe('filterInlineStyle with remote content allowed', () => {
  it('keeps http(s) url() of image properties and only those', () => {
    const css = [
      `background: url(${R}/a) no-repeat`,
      `list-style-image: url(${R}/b)`,
      `cursor: url(${R}/c), auto`,
      `background-image: image-set("${R}/d" 1x)`,
      `background: var(--x, url(${R}/e))`,
      `background: url(//127.0.0.1:9/f)`,
      `background: url(data:image/png;base64,AAAA)`,
    ].join('; ');
    const result = filterInlineStyle(css, true);
    expect(result.css).toBe(`background: url(${R}/a) no-repeat; list-style-image: url(${R}/b)`);
    expect(result.remoteUrls).toEqual([`${R}/a`, `${R}/b`]);
  });

  it('still drops overlays', () => {
    expect(filterInlineStyle('position: fixed; inset: 0', true).css).toBe('inset: 0');
  });
});

describe('CSS helpers', () => {
  it('splits declarations outside strings, parentheses and comments', () => {
    expect(splitDeclarations(`a: "x;y"; b: url(a;b); c: 1 /* ; */; d: 'q\\';'`)).toEqual([
      'a: "x;y"',
      ' b: url(a;b)',
      ' c: 1 /* ; */',
      " d: 'q\\';'",
    ]);
  });

  it('strips comments, an unclosed one to the end', () => {
    expect(stripComments('a/* x */b/* open')).toBe('ab');
  });

  it('decodes escapes as the CSS tokenizer does', () => {
    expect(unescapeCss('\\75\\72\\6C(')).toBe('url(');
    expect(unescapeCss('\\75 rl(')).toBe('url(');
    expect(unescapeCss('\\000075rl')).toBe('url');
    expect(unescapeCss('u\\r\\l')).toBe('url');
    expect(unescapeCss('a\\\nb')).toBe('ab');
    expect(unescapeCss('\\0 x')).toBe('\uFFFDx');
    expect(unescapeCss('\\110000')).toBe('\uFFFD');
    expect(unescapeCss('\\D800')).toBe('\uFFFD');
    expect(unescapeCss('\0')).toBe('\uFFFD');
    expect(unescapeCss('end\\')).toBe('end\uFFFD');
  });

  it('extracts url() arguments, quoted or not, case-insensitively', () => {
    expect(extractUrls(`URL( "a b" ), url('c'), url(d ), url(e`)).toEqual(['a b', 'c', 'd', 'e']);
  });
});
