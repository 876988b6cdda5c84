// Classifies URLs found in untrusted mail the way the browser will parse them, so
// the sanitizer's allowlist (docs/security.md #43, #46, #50) decides on what would load.

/** What a URL in a message is, for the purposes of rendering it. */
export type UrlKind = 'remote' | 'cid' | 'data-image' | 'mailto' | 'blocked';

/** A URL as the browser would resolve it. `url` is '' when blocked. */
export interface ClassifiedUrl {
  kind: UrlKind;
  url: string;
}

// A srcdoc document resolves relative URLs against the *app's* URL, so a relative
// reference is a request to our own origin: never let one through.
const RELATIVE_PROBE = 'https://relative.invalid/';

// Raster types only: an SVG data: image is inert in <img> but not when opened on its
// own, and we have no reason to carry anything else (docs/security.md #48).
const DATA_IMAGE = /^data:image\/(?:png|jpeg|gif|webp)[;,]/i;

/**
 * Classifies one attribute value. Parsing with `URL` applies the same clean-up the
 * browser does (leading C0/space stripped, tab/newline removed, scheme case folded),
 * which is what defeats `java&#x09;script:` and `\x01javascript:` (payload class 2).
 */
export function classifyUrl(value: string): ClassifiedUrl {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    // Not absolute. Protocol-relative `//host/x` (class 10) is remote; anything that
    // stays on the probe origin is relative.
    try {
      parsed = new URL(value, RELATIVE_PROBE);
    } catch {
      return { kind: 'blocked', url: '' };
    }
    if (parsed.hostname === 'relative.invalid') return { kind: 'blocked', url: '' };
  }
  switch (parsed.protocol) {
    case 'https:':
    case 'http:':
      return parsed.hostname ? { kind: 'remote', url: parsed.href } : { kind: 'blocked', url: '' };
    case 'mailto:':
      return { kind: 'mailto', url: parsed.href };
    case 'cid:':
      return { kind: 'cid', url: parsed.href };
    case 'data:':
      return DATA_IMAGE.test(parsed.href)
        ? { kind: 'data-image', url: parsed.href }
        : { kind: 'blocked', url: '' };
    default:
      return { kind: 'blocked', url: '' };
  }
}

/** One image candidate of a `srcset` attribute. */
export interface SrcsetCandidate {
  url: string;
  descriptor: string;
}

const SPACE = /[\t\n\f\r ]/;

/**
 * Splits a `srcset` value following the HTML "parse a srcset attribute" steps closely
 * enough to see every URL the browser could pick (URLs may contain commas).
 */
export function parseSrcset(value: string): SrcsetCandidate[] {
  const out: SrcsetCandidate[] = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && (SPACE.test(value.charAt(i)) || value.charAt(i) === ',')) i++;
    if (i >= value.length) break;
    const start = i;
    while (i < value.length && !SPACE.test(value.charAt(i))) i++;
    let url = value.slice(start, i);
    let descriptor = '';
    if (url.endsWith(',')) {
      while (url.endsWith(',')) url = url.slice(0, -1);
    } else {
      // Descriptors run to the next comma outside parentheses.
      const descStart = i;
      let depth = 0;
      while (i < value.length) {
        const ch = value.charAt(i);
        if (ch === '(') depth++;
        else if (ch === ')' && depth > 0) depth--;
        else if (ch === ',' && depth === 0) break;
        i++;
      }
      descriptor = value.slice(descStart, i).trim();
    }
    if (url) out.push({ url, descriptor });
  }
  return out;
}

/** `cid:part1%40example` → `part1@example` (RFC 2392: the cid URL is URL-encoded). */
export function contentIdFromUrl(url: string): string | null {
  const match = /^\s*cid:/i.exec(url);
  if (!match) return null;
  let id = url.slice(match[0].length).trim();
  try {
    id = decodeURIComponent(id);
  } catch {
    // A stray `%` is not an encoding; keep the text and let it simply not match.
  }
  if (id.startsWith('<') && id.endsWith('>')) id = id.slice(1, -1);
  return id === '' ? null : id;
}

// Header fields some desktop mail clients honour by attaching the named local file
// (the 2020 "Mailto: Me Your Secrets" study; mutt, Evolution). RFC 6068 defines none.
const MAILTO_ATTACHMENT_FIELDS = new Set(['attach', 'attachment']);

/**
 * `mailto:` URL without its attach/attachment fields (payload class 17); every other
 * field is kept byte for byte (re-encoding would turn a literal `+` into a space).
 */
export function stripMailtoAttachments(url: string): string {
  const query = url.indexOf('?');
  if (query < 0 || !/^mailto:/i.test(url)) return url;
  const kept = url
    .slice(query + 1)
    .split('&')
    .filter((field) => {
      const name = field.split('=', 1)[0] ?? '';
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // A stray `%` is not an encoding: compare the name as written.
      }
      return !MAILTO_ATTACHMENT_FIELDS.has(decoded.trim().toLowerCase());
    });
  return kept.length === 0 ? url.slice(0, query) : `${url.slice(0, query)}?${kept.join('&')}`;
}
