// Filters one inline `style` attribute of untrusted mail: drops every declaration that
// could fetch something or escape its box, reading CSS escapes and comments the way
// the CSS tokenizer does. Works on CSS text only; it never sees or emits HTML.
import { classifyUrl } from './url-policy.ts';

/** Result of filtering one style attribute. */
export interface StyleFilterResult {
  /** The declarations kept, joined with `; `; '' when none survive. */
  css: string;
  /** Remote URLs of declarations that opting in would load (kept only when allowed). */
  remoteUrls: string[];
}

// Any of these, after unescaping and removing whitespace, marks a declaration as
// able to load something: url() and its escaped spellings (`u\r\l(`, `\75\72\6C(`),
// image-set()/-webkit-image-set(), image(), cross-fade(), element(), paint(), attr()
// (typed attr() can produce a URL) and @import (docs/security.md #46; payload class 10;
// CVE-2024-42010, CVE-2026-48846).
const RESOURCE_TOKENS = [
  'url(',
  'image(',
  'image-set(',
  'cross-fade(',
  'element(',
  'paint(',
  'attr(',
  'src(',
  '@import',
  'expression(',
];

// The only properties whose url() we ever let load, and only after opt-in: they are
// fetched as images, which is what the frame CSP grants on opt-in (docs/security.md #45).
// cursor, mask*, filter, shape-outside, content and the rest stay dropped for good.
const IMAGE_PROPERTIES = new Set([
  'background',
  'background-image',
  'list-style',
  'list-style-image',
  'border-image',
  'border-image-source',
]);

// Never kept: legacy script bindings (IE behavior, Firefox XBL).
const FORBIDDEN_PROPERTIES = new Set(['behavior', '-moz-binding']);

/**
 * Fixed or sticky positioning paints a phishing overlay over the whole message pane
 * (payload class 13; CVE-2026-26079). The frame already clips it to the pane; this
 * keeps it out of the pane too. var() could smuggle `fixed` in, so it goes as well.
 */
function isOverlayPosition(property: string, value: string): boolean {
  return (
    property === 'position' &&
    (value.includes('fixed') || value.includes('sticky') || value.includes('var('))
  );
}

/**
 * Filters an inline style. With `allowRemote` false every resource-bearing
 * declaration is removed; with it true, only url()s of image properties pointing to
 * http(s) survive. Unparseable or ambiguous declarations are removed, never guessed.
 */
export function filterInlineStyle(css: string, allowRemote: boolean): StyleFilterResult {
  const kept: string[] = [];
  const remoteUrls: string[] = [];
  for (const declaration of splitDeclarations(css)) {
    // The property name is read from the raw text: `back/**/ground` is two tokens to
    // the browser (an invalid declaration), not "background".
    const rawColon = declaration.indexOf(':');
    if (rawColon <= 0) continue;
    const rawProperty = declaration.slice(0, rawColon);
    if (rawProperty.includes('/*')) continue;
    const property = unescapeCss(rawProperty).trim().toLowerCase();
    if (!/^-?[a-z][a-z0-9-]*$|^--[a-z0-9_-]+$/.test(property)) continue;
    const probe = unescapeCss(stripComments(declaration));
    const compact = removeWhitespace(probe.toLowerCase());
    const value = compact.slice(compact.indexOf(':') + 1);
    if (FORBIDDEN_PROPERTIES.has(property)) continue;
    if (isOverlayPosition(property, value)) continue;
    const tokens = RESOURCE_TOKENS.filter((token) => compact.includes(token));
    if (tokens.length === 0) {
      kept.push(declaration.trim());
      continue;
    }
    // Loadable on opt-in: an image property, url() only, no var() that could hide more.
    const urls = extractUrls(probe);
    const loadable =
      IMAGE_PROPERTIES.has(property) &&
      tokens.length === 1 &&
      tokens[0] === 'url(' &&
      !compact.includes('var(') &&
      urls.length > 0 &&
      urls.every(isExplicitRemote);
    if (!loadable) continue;
    for (const url of urls) remoteUrls.push(classifyUrl(url).url);
    if (allowRemote) kept.push(declaration.trim());
  }
  return { css: kept.join('; '), remoteUrls };
}

/** Splits at top-level `;`, honouring strings, parentheses, comments and escapes. */
export function splitDeclarations(css: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let depth = 0;
  let quote = '';
  for (let i = 0; i < css.length; i++) {
    const ch = css.charAt(i);
    if (ch === '\\') {
      i++;
    } else if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '/' && css.charAt(i + 1) === '*') {
      const end = css.indexOf('*/', i + 2);
      i = end === -1 ? css.length : end + 1;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '(') {
      depth++;
    } else if (ch === ')' && depth > 0) {
      depth--;
    } else if (ch === ';' && depth === 0) {
      parts.push(css.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(css.slice(start));
  return parts.filter((part) => part.trim() !== '');
}

/** Removes `/* … *\/` comments; an unclosed comment runs to the end (CSS Syntax §4.3.2). */
export function stripComments(css: string): string {
  let out = '';
  let i = 0;
  while (i < css.length) {
    const open = css.indexOf('/*', i);
    if (open === -1) return out + css.slice(i);
    out += css.slice(i, open);
    const close = css.indexOf('*/', open + 2);
    if (close === -1) return out;
    i = close + 2;
  }
  return out;
}

/**
 * Decodes CSS escapes (CSS Syntax §4.3.7): `\` + 1–6 hex digits (+ one optional
 * whitespace), `\` + newline (a line continuation, removed), `\` + any other character.
 */
export function unescapeCss(css: string): string {
  let out = '';
  for (let i = 0; i < css.length; i++) {
    const ch = css.charAt(i);
    if (ch === '\0') {
      out += '\uFFFD';
      continue;
    }
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = css.charAt(i + 1);
    if (next === '') {
      out += '\uFFFD';
    } else if (next === '\n' || next === '\r' || next === '\f') {
      i++;
      if (next === '\r' && css.charAt(i + 1) === '\n') i++;
    } else if (/[0-9a-f]/i.test(next)) {
      let j = i + 1;
      while (j < css.length && j < i + 7 && /[0-9a-f]/i.test(css.charAt(j))) j++;
      const code = parseInt(css.slice(i + 1, j), 16);
      const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
      out += valid ? String.fromCodePoint(code) : '\uFFFD';
      // One whitespace after a hex escape belongs to the escape (`\75 rl(` is `url(`).
      if (css.charAt(j) === '\r' && css.charAt(j + 1) === '\n') j += 2;
      else if (/[\t\n\f\r ]/.test(css.charAt(j))) j += 1;
      i = j - 1;
    } else {
      out += next;
      i++;
    }
  }
  return out;
}

/** The arguments of every `url(...)` in already unescaped CSS, case-insensitively. */
export function extractUrls(css: string): string[] {
  const urls: string[] = [];
  const lower = css.toLowerCase();
  let from = 0;
  for (;;) {
    const at = lower.indexOf('url(', from);
    if (at === -1) return urls;
    let i = at + 4;
    while (/\s/.test(css.charAt(i))) i++;
    const quote = css.charAt(i);
    let url: string;
    if (quote === '"' || quote === "'") {
      const end = css.indexOf(quote, i + 1);
      url = css.slice(i + 1, end === -1 ? css.length : end);
      from = end === -1 ? css.length : end + 1;
    } else {
      const end = css.indexOf(')', i);
      url = css.slice(i, end === -1 ? css.length : end).trim();
      from = end === -1 ? css.length : end + 1;
    }
    urls.push(url);
  }
}

/**
 * An absolute http(s) URL. Protocol-relative `//host/x` is refused in CSS: the
 * browser resolves it against the app's URL, which we do not control from here.
 */
function isExplicitRemote(url: string): boolean {
  return /^\s*https?:/i.test(url) && classifyUrl(url).kind === 'remote';
}

function removeWhitespace(text: string): string {
  let out = '';
  for (const ch of text) if (!/\s/.test(ch)) out += ch;
  return out;
}
