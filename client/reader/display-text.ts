// Makes untrusted metadata (names, subjects, file names, MIME types) safe to show
// and to save: no bidi overrides, no control characters, bounded length
// (docs/security.md #52, payload class 16). Strings in, strings out; rendering stays text.

// Explicit bidi formatting characters: embeddings/overrides U+202A–U+202E, isolates
// U+2066–U+2069, and the marks U+200E, U+200F, U+061C. `photo\u202Egpj.exe` would
// otherwise display as "photoexe.jpg".
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u;
/** C0 controls, DEL, C1 controls, and the line/paragraph separators. */
function isControl(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
}

/**
 * Text for display: bidi controls removed (the real order shows), whitespace
 * controls become spaces, other controls (NUL included) become U+FFFD so that a
 * hidden `invoice.pdf\0.exe` is visibly odd.
 */
export function neutralizeText(value: string): string {
  let out = '';
  for (const ch of value.normalize('NFC')) {
    if (BIDI_CONTROL.test(ch)) continue;
    if (isControl(ch.codePointAt(0) ?? 0))
      out += /[\t\n\r\f\v\u2028\u2029]/.test(ch) ? ' ' : '\uFFFD';
    else out += ch;
  }
  return out;
}

/**
 * Shortens to at most `max` code points with a middle ellipsis that keeps a short
 * extension visible: `a-very-long-report…pdf` keeps saying ".pdf".
 */
export function shortenMiddle(value: string, max = 60): string {
  const chars = Array.from(value);
  if (chars.length <= max) return value;
  const dot = value.lastIndexOf('.');
  const extension = dot > 0 ? Array.from(value.slice(dot)) : [];
  const tailLength = extension.length > 0 && extension.length <= 12 ? extension.length + 4 : 8;
  const headLength = Math.max(1, max - tailLength - 1);
  return `${chars.slice(0, headLength).join('')}\u2026${chars.slice(-tailLength).join('')}`;
}

/** File name to show: neutralized, whitespace collapsed, shortened, never empty. */
export function displayFileName(name: string | null, mimeType = ''): string {
  const clean = collapseSpaces(neutralizeText(name ?? ''));
  return clean === '' ? fallbackName(mimeType) : shortenMiddle(clean, 60);
}

// Path separators and characters Windows refuses; the browser cleans names too,
// but the saved name should not depend on which browser did it.
const UNSAFE_IN_FILE_NAME = /[/\\:*?"<>|]/;

/**
 * File name for `<a download>`: no directories (`../`), no controls or bidi
 * characters, no leading dots, at most 150 code points keeping the extension.
 * Falls back to `attachment.<ext>` when nothing usable is left.
 */
export function downloadFileName(name: string | null, mimeType = ''): string {
  return safeFileName(name ?? '') || fallbackName(mimeType);
}

/** The cleaning of {@link downloadFileName}, returning '' when nothing usable remains. */
export function safeFileName(name: string): string {
  let out = '';
  for (const ch of neutralizeText(name)) {
    out += ch === '\uFFFD' || UNSAFE_IN_FILE_NAME.test(ch) ? '_' : ch;
  }
  out = collapseSpaces(out);
  let start = 0;
  while (start < out.length && (out.charAt(start) === '.' || out.charAt(start) === ' ')) start++;
  out = out.slice(start);
  while (out.endsWith('.') || out.endsWith(' ')) out = out.slice(0, -1);
  if (/^[_.\s]*$/.test(out)) return '';
  return Array.from(out).length > 150 ? shortenMiddle(out, 150) : out;
}

const EXTENSIONS: Record<string, string> = {
  'message/rfc822': '.eml',
  'text/plain': '.txt',
  'text/html': '.html',
  'text/calendar': '.ics',
  'application/pdf': '.pdf',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
};

function fallbackName(mimeType: string): string {
  return `attachment${EXTENSIONS[mimeType.toLowerCase()] ?? '.bin'}`;
}

function collapseSpaces(value: string): string {
  return value.split(/\s+/u).filter(Boolean).join(' ');
}

/** Human size, e.g. "1.4 MB", from exact bytes. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
