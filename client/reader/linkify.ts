// Splits plain text into text runs and links (https, http, mailto, www., bare
// e-mail addresses). It returns tokens, never markup: the caller renders them as
// text nodes and anchors, so no input byte is ever read as HTML (docs/security.md #51;
// Roundcube CVE-2023-43770, CVE-2020-35730, CVE-2026-54433). Linear time.
import { stripMailtoAttachments } from './url-policy.ts';

/** A run of literal text or a link with the text it showed and its href. */
export type TextToken =
  { type: 'text'; value: string } | { type: 'link'; text: string; href: string };

// Candidate starts; literal alternatives only, so scanning is linear.
const START = /https?:\/\/|mailto:|www\.|@/gi;

// RFC 3986 characters plus `%`, minus the ones that end a URL in running text and
// the ones that matter in HTML: no space, quotes, angle brackets, backtick, braces.
const URL_CHAR = /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/;
// A practical subset of RFC 5322 atext: no quotes, `?` or `/`, which would turn the
// rest of a sentence into mailto: query or path.
const LOCAL_CHAR = /[A-Za-z0-9.!#$%&*+=^_~-]/;
const DOMAIN_CHAR = /[A-Za-z0-9.-]/;
const WORD_CHAR = /[A-Za-z0-9]/;
const TRAILING_PUNCTUATION = '.,:;!?\'"';

/** Tokenizes `text`; joining every token's text gives back the input exactly. */
export function linkifyText(text: string): TextToken[] {
  const tokens: TextToken[] = [];
  let emitted = 0; // text before this index is already in `tokens`
  START.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = START.exec(text))) {
    const at = match.index;
    if (at < emitted) continue;
    let found: Found | null;
    if (match[0] === '@') {
      found = emailAt(text, at, emitted);
    } else {
      const scan = urlAt(text, at, match[0]);
      found = scan.found;
      // A run that was not a link is not rescanned from each later `https://` or
      // `www.` inside it, which would make `https://https://…` quadratic.
      if (!found) START.lastIndex = Math.max(START.lastIndex, scan.scanned);
    }
    if (!found) continue;
    if (found.start > emitted)
      tokens.push({ type: 'text', value: text.slice(emitted, found.start) });
    tokens.push({ type: 'link', text: text.slice(found.start, found.end), href: found.href });
    emitted = found.end;
    START.lastIndex = found.end;
  }
  if (emitted < text.length) tokens.push({ type: 'text', value: text.slice(emitted) });
  return tokens;
}

interface Found {
  start: number;
  end: number;
  href: string;
}

function urlAt(
  text: string,
  start: number,
  prefix: string,
): { found: Found | null; scanned: number } {
  // `xhttps://` or `awww.` is not a link start; neither is a `www.` inside a word.
  if (start > 0 && WORD_CHAR.test(text.charAt(start - 1))) return { found: null, scanned: 0 };
  let end = start + prefix.length;
  while (end < text.length && URL_CHAR.test(text.charAt(end))) end++;
  const scanned = end;
  end = trimEnd(text, start + prefix.length, end);
  return { found: validate(text, start, end, prefix), scanned };
}

function validate(text: string, start: number, end: number, prefix: string): Found | null {
  if (end <= start + prefix.length) return null;
  const candidate = text.slice(start, end);
  const isWww = prefix.toLowerCase() === 'www.';
  let url: URL;
  try {
    url = new URL(isWww ? `https://${candidate}` : candidate);
  } catch {
    return null;
  }
  if (url.protocol === 'mailto:') {
    if (!url.pathname.includes('@')) return null;
    return { start, end, href: stripMailtoAttachments(url.href) };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (!url.hostname.includes('.')) return null;
  return { start, end, href: url.href };
}

/** Drops trailing punctuation, and closing brackets that have no opening partner. */
function trimEnd(text: string, min: number, end: number): number {
  // Bracket balance is counted once, then kept up to date while trimming, so a
  // URL followed by 100k `)` stays linear.
  const balance = { ')': 0, ']': 0 };
  for (let i = min; i < end; i++) {
    const ch = text.charAt(i);
    if (ch === '(') balance[')']--;
    else if (ch === ')') balance[')']++;
    else if (ch === '[') balance[']']--;
    else if (ch === ']') balance[']']++;
  }
  while (end > min) {
    const ch = text.charAt(end - 1);
    if (TRAILING_PUNCTUATION.includes(ch)) {
      end--;
    } else if ((ch === ')' || ch === ']') && balance[ch] > 0) {
      balance[ch]--;
      end--;
    } else {
      break;
    }
  }
  return end;
}

/**
 * A bare address around the `@` at `at`. The local part is scanned back no further
 * than `floor` (already emitted text) and never across another `@`, so the scans
 * of all candidates together stay linear.
 */
function emailAt(text: string, at: number, floor: number): Found | null {
  let start = at;
  while (start > floor && LOCAL_CHAR.test(text.charAt(start - 1))) start--;
  while (start < at && text.charAt(start) === '.') start++;
  if (start === at) return null;
  let end = at + 1;
  while (end < text.length && DOMAIN_CHAR.test(text.charAt(end))) end++;
  while (end > at + 1 && '.-'.includes(text.charAt(end - 1))) end--;
  const domain = text.slice(at + 1, end);
  const labels = domain.split('.');
  if (labels.length < 2 || labels.some((label) => label === '')) return null;
  if (!/^[A-Za-z]{2,}$/.test(labels[labels.length - 1] ?? '')) return null;
  const address = text.slice(start, end);
  return { start, end, href: `mailto:${address}` };
}
