// Spots deceptive links in sanitized mail (docs/security.md #50, payload class 17): anchor
// text that reads as a URL on one host while the href goes to another, and IDN
// (punycode) hosts that may be homographs (CVE-2019-15237). Marks, never rewrites.

/** Why a link deserves a warning. */
export type LinkWarning =
  { kind: 'mismatch'; shownHost: string; realHost: string } | { kind: 'idn'; realHost: string };

// Text that reads as a web address: optional scheme, dotted host (Unicode letters
// allowed, so homographs are caught too) or IPv4, optional port and path. Anchored
// and without nested quantifiers, so it stays linear.
const URL_LIKE_TEXT =
  /^(?:[a-z][a-z0-9+.-]{0,20}:\/\/(?:[^\s/?#@]+@)?)?((?:[\p{L}\p{N}-]+\.)+[\p{L}\p{N}-]*\p{L}[\p{L}\p{N}-]*|\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?(?:[/?#]\S*)?$/iu;

const LEADING_JUNK = ' \t\n\r\f<([{"\'';
const TRAILING_JUNK = ' \t\n\r\f>)]}"\'.,;:!?';

/**
 * Compares what an anchor shows with where it goes. Returns null for a plain link.
 * Hosts match when equal after dropping `www.`, or when one is a subdomain of the
 * other (newsletters link `example.com` text to `news.example.com`).
 */
export function checkLink(text: string, href: string): LinkWarning | null {
  let real: URL;
  try {
    real = new URL(href);
  } catch {
    return null;
  }
  if (real.protocol !== 'https:' && real.protocol !== 'http:') return null;
  const realHost = real.hostname.toLowerCase();
  const shown = shownHost(text);
  if (shown !== null && !sameSite(shown, realHost)) {
    return { kind: 'mismatch', shownHost: shown, realHost };
  }
  if (realHost.split('.').some((label) => label.startsWith('xn--'))) {
    return { kind: 'idn', realHost };
  }
  return null;
}

/** The host an anchor's text claims, punycode-encoded, or null if it is not URL-like. */
export function shownHost(text: string): string | null {
  if (text.length > 2048) return null;
  // Trim brackets and punctuation people put around pasted links: "<https://x>."
  let start = 0;
  let end = text.length;
  while (start < end && LEADING_JUNK.includes(text.charAt(start))) start++;
  while (end > start && TRAILING_JUNK.includes(text.charAt(end - 1))) end--;
  const trimmed = text.slice(start, end);
  const match = URL_LIKE_TEXT.exec(trimmed);
  if (!match?.[1]) return null;
  try {
    return new URL(`https://${match[1]}/`).hostname.toLowerCase();
  } catch {
    return null;
  }
}

function sameSite(a: string, b: string): boolean {
  const left = a.startsWith('www.') ? a.slice(4) : a;
  const right = b.startsWith('www.') ? b.slice(4) : b;
  return left === right || left.endsWith(`.${right}`) || right.endsWith(`.${left}`);
}

// Enough text to hold any URL shownHost accepts; a longer anchor is not URL-like.
const MAX_TEXT = 2049;

// Zero-width and other format characters (U+200B, U+00AD, bidi controls) render as
// nothing, so "bank&#8203;.example" reads as bank.example; they are dropped first.
const FORMAT_CHARACTERS = /\p{Cf}/gu;

/**
 * Whether an element's own attributes hide it. Mail has no style sheets (`<style>` is
 * forbidden), so inline style and `hidden` are all that can hide text from the reader.
 */
function isHidden(element: Element): boolean {
  if (element.hasAttribute('hidden')) return true;
  const style = (element as Partial<ElementCSSInlineStyle>).style;
  if (!style) return false;
  const isZero = (value: string): boolean => value !== '' && parseFloat(value) === 0;
  const clips = /hidden|clip/.test(style.overflow);
  return (
    style.display === 'none' ||
    style.visibility === 'hidden' ||
    style.visibility === 'collapse' ||
    isZero(style.opacity) ||
    isZero(style.fontSize) ||
    (clips && (isZero(style.maxHeight) || isZero(style.height) || isZero(style.width)))
  );
}

/**
 * The text an anchor shows: hidden descendants and format characters left out, so
 * `<span style="display:none">Click </span>https://bank.example` is read the way the
 * reader sees it. Walks iteratively: mail nests thousands of levels deep.
 */
export function visibleText(anchor: Element): string {
  const doc = anchor.ownerDocument;
  const walker = doc.createTreeWalker(anchor, 0x1 | 0x4 /* SHOW_ELEMENT | SHOW_TEXT */, {
    acceptNode: (node) =>
      node.nodeType === 1 && isHidden(node as Element) ? 2 /* FILTER_REJECT */ : 1,
  });
  let text = '';
  for (let node = walker.nextNode(); node && text.length < MAX_TEXT; node = walker.nextNode()) {
    if (node.nodeType === 3) text += node.nodeValue ?? '';
  }
  return text.slice(0, MAX_TEXT).replace(FORMAT_CHARACTERS, '');
}

/**
 * Marks an anchor of the sanitized DOM: `data-link-warning` ("mismatch" | "idn") for
 * the frame's style sheet, which shows a warning sign with alternative text, and a
 * `title` naming the real destination on hover. Call it once the anchor's content is
 * sanitized, so the text compared is the text the reader will see.
 */
export function annotateLink(anchor: Element, href: string): LinkWarning | null {
  const warning = checkLink(visibleText(anchor), href);
  if (!warning) return null;
  anchor.setAttribute('data-link-warning', warning.kind);
  anchor.setAttribute(
    'title',
    warning.kind === 'mismatch'
      ? `Warning: this link goes to ${warning.realHost}, not ${warning.shownHost}`
      : `Warning: ${warning.realHost} uses international characters that can imitate another address`,
  );
  return warning;
}
