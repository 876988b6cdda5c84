// How an oracle's decoded parts map onto what postal-mime (behind parseMessage) gives.
// Two postal-mime rules are modelled exactly, for every message, rather than tolerated:
//  1. A body not in base64 is rebuilt line by line: each line loses its CR and gains "\n",
//     the last one included. So such a part keeps the line break that RFC 2046 §5.1.1 gives
//     to the boundary delimiter after it, which the oracles (rightly) leave out.
//  2. Text parts are joined with "\n", and an inline message/rfc822 is announced by a block
//     of its header fields between two lines of dashes (its Date row is in the local time
//     zone, so the block is matched by shape, and by its Subject row).
import { decoderFor, type ExpectedAttachment, type ExpectedTextPart } from './expected.ts';

/** CRLF and lone CR to LF, and no blanks at the end of a line. */
export function normalizeLines(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A header row of postal-mime's block other than Subject, or a folded continuation. */
const HEADER_ROW = '(?:(?:From|Date|To|Cc|Bcc): [^\\n]*\\n| +[^\\n]*\\n)';

function partPattern(part: ExpectedTextPart): string {
  switch (part.kind) {
    case 'plain': {
      const body = normalizeLines(part.text);
      if (!part.lineDecoded) return escapeRegExp(body);
      // An empty oracle body is either no line (postal-mime: "") or one empty line ("\n").
      return body === '' ? '\\n?' : `${escapeRegExp(body)}\\n`;
    }
    case 'message-header':
      // A block without rows has no dashes either: four line breaks.
      return part.subject === ''
        ? `\\n(?:-+\\n${HEADER_ROW}+-+\\n|\\n\\n\\n)`
        : `\\n-+\\n${HEADER_ROW}*Subject: +${escapeRegExp(normalizeLines(part.subject))}\\n${HEADER_ROW}*-+\\n`;
    case 'html':
      // postal-mime's HTML-to-text conversion is its own; such a message needs an entry
      // in known-differences.ts, and this pattern never matches.
      return '(?!)';
  }
}

/** The whole text body postal-mime should give, as a pattern over comparableText(). */
export function expectedTextPattern(parts: ExpectedTextPart[]): RegExp {
  return new RegExp(`^${parts.map(partPattern).join('\\n')}\\n*$`);
}

/**
 * postal-mime's text in the form the pattern is matched against. Line breaks at the very
 * end are not compared (a body ending the message keeps its last line break in the oracle,
 * and postal-mime may add one): they are cut and replaced by more than any pattern needs.
 */
export function comparableText(text: string | null, parts: ExpectedTextPart[]): string {
  return normalizeLines(text ?? '').replace(/\n+$/, '') + '\n'.repeat(2 * parts.length + 4);
}

/** Whether any part is HTML the reader would show converted to text. */
export function hasHtmlText(parts: ExpectedTextPart[]): boolean {
  return parts.some((part) => part.kind === 'html');
}

/**
 * Rule 1 applied to bytes: what postal-mime gives for a line-decoded body the oracle gives
 * as these bytes. A body that ends at the end of the message has no delimiter line break
 * to gain, so only a last line without one gets "\n".
 */
export function asLineDecodedBytes(bytes: Uint8Array, endsAtEof: boolean): Uint8Array {
  if (endsAtEof && bytes[bytes.length - 1] === 0x0a) {
    return asLineDecodedBytes(bytes.subarray(0, bytes.length - 1), false);
  }
  const out: number[] = [];
  let lineStart = 0;
  const pushLine = (end: number): void => {
    let stop = end;
    while (stop > lineStart && bytes[stop - 1] === 0x0d) stop--;
    for (let i = lineStart; i < stop; i++) out.push(bytes[i] ?? 0);
    out.push(0x0a);
  };
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      pushLine(i);
      lineStart = i + 1;
    }
  }
  pushLine(bytes.length);
  return Uint8Array.from(out);
}

/** Rule 1 applied to decoded text. */
export function asLineDecodedText(text: string, endsAtEof: boolean): string {
  const lines = normalizeLines(text);
  return endsAtEof && lines.endsWith('\n') ? lines : `${lines}\n`;
}

/**
 * The text as known-differences.ts pins it: normalizeLines(), trailing line breaks cut, and
 * in postal-mime's header blocks the Date row (local time zone and locale) and the dash
 * lines (their length follows the longest row) replaced by fixed stand-ins.
 */
export function pinnedText(text: string | null): string {
  return normalizeLines(text ?? '')
    .replace(/\n+$/, '')
    .replace(/^-{2,}$/gm, '----')
    .replace(/^Date: {4}.*$/gm, 'Date: …');
}

/** Where two byte strings first differ, or null when they are equal. */
export function byteDifference(actual: Uint8Array, expected: Uint8Array): string | null {
  const length = Math.min(actual.length, expected.length);
  for (let i = 0; i < length; i++) {
    if (actual[i] !== expected[i]) {
      return `byte ${i} of ${actual.length} is ${actual[i]}, expected ${expected[i]} (of ${expected.length})`;
    }
  }
  return actual.length === expected.length
    ? null
    : `${actual.length} bytes, expected ${expected.length} (equal up to the shorter)`;
}

/**
 * How postal-mime's decoded content of one attachment differs from the oracle's, or null
 * when it matches (rule 1 applied when the body is line-decoded). Undefined when the oracle
 * gives no content to compare (a message/rfc822 kept as an attachment).
 */
export function contentDifference(
  actual: Uint8Array,
  expected: ExpectedAttachment,
): string | null | undefined {
  const { bytes, text, lineDecoded, endsAtEof } = expected;
  if (bytes) {
    // An empty oracle body was either no line (postal-mime: nothing) or one empty line ("\n").
    if (
      lineDecoded &&
      bytes.length === 0 &&
      (actual.length === 0 || (actual.length === 1 && actual[0] === 0x0a))
    ) {
      return null;
    }
    return byteDifference(actual, lineDecoded ? asLineDecodedBytes(bytes, endsAtEof) : bytes);
  }
  if (text) {
    const decoded = normalizeLines((decoderFor(text.charset) ?? new TextDecoder()).decode(actual));
    const wanted = lineDecoded
      ? asLineDecodedText(text.value, endsAtEof)
      : normalizeLines(text.value);
    if (decoded === wanted || (lineDecoded && text.value === '' && ['', '\n'].includes(decoded))) {
      return null;
    }
    return `decoded ${JSON.stringify(decoded.slice(0, 80))}, expected ${JSON.stringify(wanted.slice(0, 80))}`;
  }
  return undefined;
}
