// The MIME tree of a raw message as byte ranges: every leaf part with its
// Content-Type, where its header and body are, and its transfer decoding.
// Bounded by depth and part count; bodies are not decoded unless asked.

import { byteOf, fromBinary } from './charset.ts';
import { base64Bytes } from './encoded-words.ts';
import { headerBounds, headerFields } from './header-block.ts';
import { parseStructured, type StructuredValue } from './parameters.ts';

/** One leaf part; offsets index the binary string (and so the bytes) of the message. */
export interface LeafPart {
  contentType: StructuredValue;
  /** Whether the part's header names a Content-Type at all (RFC 2045 §5.2 default otherwise). */
  hasContentType: boolean;
  transferEncoding: string;
  /** Where the part's header starts. */
  headerStart: number;
  /** Where its Content-Type field's value (folded lines included) starts and ends. */
  contentTypeValue: [number, number] | null;
  bodyStart: number;
  bodyEnd: number;
}

const MAX_DEPTH = 8;
const MAX_PARTS = 500;
const PART_FIELDS = new Set(['content-type', 'content-transfer-encoding']);

/** Where the first Content-Type field's value (folded lines included) starts and ends. */
function contentTypeValue(text: string, start: number, end: number): [number, number] | null {
  const match = /(?:^|\n)content-type[ \t]*:/i.exec(text.slice(start, end));
  if (!match) return null;
  const valueStart = start + match.index + match[0].length;
  for (let at = valueStart; ;) {
    const lineEnd = text.indexOf('\n', at);
    if (lineEnd < 0 || lineEnd >= end) return [valueStart, end];
    const next = text.charCodeAt(lineEnd + 1);
    if (next !== 0x20 && next !== 0x09) {
      return [valueStart, text.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd];
    }
    at = lineEnd + 1;
  }
}

/** Whether a delimiter line is one (and not a longer boundary that starts the same). */
function endsDelimiter(text: string, at: number): boolean {
  const ch = text[at];
  return ch === undefined || ch === '-' || ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

/** Body ranges of the parts of a multipart body (RFC 2046 §5.1.1 delimiters). */
function childRanges(
  text: string,
  start: number,
  end: number,
  boundary: string,
): Array<[number, number]> {
  const delimiter = `--${boundary}`;
  const ranges: Array<[number, number]> = [];
  let partStart: number | null = null;
  let at = text.startsWith(delimiter, start) ? start : text.indexOf(`\n${delimiter}`, start);
  while (at >= 0 && at < end && ranges.length < MAX_PARTS) {
    const lineStart = text.charCodeAt(at) === 0x0a ? at + 1 : at;
    const afterDelimiter = lineStart + delimiter.length;
    if (!endsDelimiter(text, afterDelimiter)) {
      at = text.indexOf(`\n${delimiter}`, lineStart);
      continue;
    }
    if (partStart !== null) {
      // The line break before a delimiter belongs to the delimiter, not to the part.
      const before = text.charCodeAt(lineStart - 2) === 0x0d ? lineStart - 2 : lineStart - 1;
      ranges.push([partStart, Math.max(partStart, before)]);
    }
    if (text.startsWith('--', afterDelimiter)) return ranges; // the close delimiter
    const lineEnd = text.indexOf('\n', afterDelimiter);
    if (lineEnd < 0 || lineEnd >= end) return ranges;
    partStart = lineEnd + 1;
    at = text.indexOf(`\n${delimiter}`, lineEnd);
  }
  // No close delimiter: the last part runs to the end, as mail clients read it.
  if (partStart !== null && ranges.length < MAX_PARTS) ranges.push([partStart, end]);
  return ranges;
}

/**
 * The leaf parts of the message (or header block) in `text`, a binary string,
 * in document order. A message/rfc822 part in 7bit/8bit is walked too.
 */
export function leafParts(text: string, declared: string | null = null): LeafPart[] {
  const leaves: LeafPart[] = [];
  const walk = (start: number, end: number, depth: number, implied: string): void => {
    if (leaves.length >= MAX_PARTS) return;
    const { headerEnd, bodyStart } = headerBounds(text, start, end);
    const fields = headerFields(text, PART_FIELDS, start, headerEnd);
    const raw = fields.get('content-type');
    const contentType = parseStructured(raw ?? implied, declared);
    const transferEncoding = (fields.get('content-transfer-encoding') ?? '7bit')
      .trim()
      .toLowerCase();
    const boundary = contentType.params.get('boundary');
    if (depth < MAX_DEPTH && contentType.value.startsWith('multipart/') && boundary) {
      // RFC 2046 §5.1.5: a digest's parts are messages unless they say otherwise.
      const childType = contentType.value === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
      for (const [from, to] of childRanges(text, bodyStart, end, boundary)) {
        walk(from, to, depth + 1, childType);
      }
      return;
    }
    if (
      depth < MAX_DEPTH &&
      contentType.value === 'message/rfc822' &&
      !/base64|quoted/.test(transferEncoding)
    ) {
      walk(bodyStart, end, depth + 1, 'text/plain');
      return;
    }
    leaves.push({
      contentType,
      hasContentType: raw !== undefined,
      transferEncoding,
      headerStart: start,
      contentTypeValue: raw === undefined ? null : contentTypeValue(text, start, headerEnd),
      bodyStart,
      bodyEnd: end,
    });
  };
  walk(0, text.length, 0, 'text/plain');
  return leaves;
}

/** RFC 2045 §6.7 quoted-printable, soft line breaks included. */
function quotedPrintable(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch !== 0x3d) {
      out[length++] = byteOf(ch);
      continue;
    }
    const soft = /^[ \t]*\r?\n/.exec(text.slice(i + 1, i + 80));
    if (soft) i += soft[0].length;
    else if (/^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out[length++] = parseInt(text.slice(i + 1, i + 3), 16);
      i += 2;
    } else out[length++] = ch;
  }
  return out.subarray(0, length);
}

/** The part's body bytes with the transfer encoding undone (at most `max` input chars). */
export function partContent(text: string, part: LeafPart, max = Infinity): Uint8Array {
  const body = text.slice(part.bodyStart, Math.min(part.bodyEnd, part.bodyStart + max));
  if (part.transferEncoding === 'base64') {
    const clean = body.replace(/[^A-Za-z0-9+/]/g, '');
    // A dangling sixth bit (length 4n+1) is dropped, as lenient decoders do.
    return base64Bytes(clean.length % 4 === 1 ? clean.slice(0, -1) : clean) ?? new Uint8Array();
  }
  if (part.transferEncoding === 'quoted-printable') return quotedPrintable(body);
  return fromBinary(body);
}
