// The HTML standard's prescan for a character encoding declaration (HTML
// §13.2.3.2 "prescan a byte stream"): `<meta charset>` and `http-equiv` in the
// first 1,024 bytes, skipping comments and other tags exactly as browsers do.

import { encodingFor } from './charset.ts';

/** HTML §13.2.3.2: the prescan looks at no more than this many bytes. */
export const PRESCAN_BYTES = 1024;

const isSpace = (b: number | undefined): boolean =>
  b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d || b === 0x20;
const isLetter = (b: number | undefined): boolean =>
  b !== undefined && ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));
const lower = (b: number): string => String.fromCharCode(b >= 0x41 && b <= 0x5a ? b + 0x20 : b);

interface Cursor {
  bytes: Uint8Array;
  at: number;
}

/** "Get an attribute": null at `>` or the end of the input. */
function getAttribute(c: Cursor): [string, string] | null {
  const { bytes } = c;
  while (isSpace(bytes[c.at]) || bytes[c.at] === 0x2f) c.at++;
  if (c.at >= bytes.length || bytes[c.at] === 0x3e) return null;
  let name = '';
  let value = '';
  for (;;) {
    const b = bytes[c.at];
    if (b === undefined) return null;
    if (b === 0x3d && name !== '') {
      c.at++;
      break;
    }
    if (isSpace(b)) {
      while (isSpace(bytes[c.at])) c.at++;
      if (bytes[c.at] !== 0x3d) return [name, ''];
      c.at++;
      break;
    }
    if (b === 0x2f || b === 0x3e) return [name, ''];
    name += lower(b);
    c.at++;
  }
  while (isSpace(bytes[c.at])) c.at++;
  const quote = bytes[c.at];
  if (quote === 0x22 || quote === 0x27) {
    for (c.at++; c.at < bytes.length; c.at++) {
      if (bytes[c.at] === quote) {
        c.at++;
        return [name, value];
      }
      value += lower(bytes[c.at] ?? 0);
    }
    return null;
  }
  if (quote === 0x3e) return [name, ''];
  for (; c.at < bytes.length; c.at++) {
    const b = bytes[c.at] ?? 0;
    if (isSpace(b) || b === 0x3e) return [name, value];
    value += lower(b);
  }
  return null;
}

/** HTML §2.5.5 "extract a character encoding from a meta element" (`content=`). */
export function charsetFromContent(content: string): string | null {
  let at = 0;
  for (;;) {
    const found = content.indexOf('charset', at);
    if (found < 0) return null;
    at = found + 7;
    while (isSpace(content.charCodeAt(at))) at++;
    if (content[at] !== '=') continue;
    at++;
    while (isSpace(content.charCodeAt(at))) at++;
    const quote = content[at];
    if (quote === '"' || quote === "'") {
      const close = content.indexOf(quote, at + 1);
      return close < 0 ? null : encodingFor(content.slice(at + 1, close));
    }
    const rest = /^[^\t\n\f\r ;]*/.exec(content.slice(at))?.[0] ?? '';
    return rest === '' ? null : encodingFor(rest);
  }
}

function metaCharset(c: Cursor): string | null {
  const seen = new Set<string>();
  let hasPragma = false;
  let needsPragma: boolean | null = null;
  let charset: string | null = null;
  for (let attribute = getAttribute(c); attribute; attribute = getAttribute(c)) {
    const [name, value] = attribute;
    if (seen.has(name)) continue;
    seen.add(name);
    if (name === 'http-equiv') hasPragma ||= value === 'content-type';
    else if (name === 'content' && charset === null) {
      charset = charsetFromContent(value);
      if (charset !== null) needsPragma = true;
    } else if (name === 'charset') {
      charset = encodingFor(value);
      needsPragma = false;
    }
  }
  if (needsPragma === null || (needsPragma && !hasPragma) || charset === null) return null;
  // A page cannot be UTF-16 if ASCII bytes declared it, and x-user-defined is for XHR only.
  if (charset === 'utf-16le' || charset === 'utf-16be') return 'utf-8';
  return charset === 'x-user-defined' ? 'windows-1252' : charset;
}

function startsWithIgnoringCase(bytes: Uint8Array, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const b = bytes[at + i];
    if (b === undefined || lower(b) !== text[i]) return false;
  }
  return true;
}

/** The encoding an HTML document's first 1,024 bytes declare, or null. */
export function prescanCharset(html: Uint8Array): string | null {
  const c: Cursor = { bytes: html.subarray(0, PRESCAN_BYTES), at: 0 };
  const { bytes } = c;
  while (c.at < bytes.length) {
    if (startsWithIgnoringCase(bytes, c.at, '<!--')) {
      // To the `>` of the first `-->` after the `<` (so `<!-->` ends at once).
      let end = c.at + 2;
      while (
        end + 2 < bytes.length &&
        !(bytes[end] === 0x2d && bytes[end + 1] === 0x2d && bytes[end + 2] === 0x3e)
      )
        end++;
      c.at = end + 3;
      continue;
    }
    if (
      startsWithIgnoringCase(bytes, c.at, '<meta') &&
      (isSpace(bytes[c.at + 5]) || bytes[c.at + 5] === 0x2f)
    ) {
      c.at += 6;
      const charset = metaCharset(c);
      if (charset !== null) return charset;
      continue;
    }
    const next = bytes[c.at + 1];
    if (bytes[c.at] === 0x3c && (isLetter(next) || (next === 0x2f && isLetter(bytes[c.at + 2])))) {
      // Any other tag: skip its name, then its attributes, which may hold a quoted `>`.
      while (c.at < bytes.length && !isSpace(bytes[c.at]) && bytes[c.at] !== 0x3e) c.at++;
      while (getAttribute(c) !== null);
      c.at++;
      continue;
    }
    if (bytes[c.at] === 0x3c && (next === 0x21 || next === 0x2f || next === 0x3f)) {
      const close = bytes.indexOf(0x3e, c.at + 1);
      if (close < 0) return null;
      c.at = close + 1;
      continue;
    }
    c.at++;
  }
  return null;
}
