// Which charset a text body is in, and the message rewritten so that a MIME
// parser reads every text part in it: the MIME charset, else the HTML meta
// prescan, else UTF-8 if valid, else the message's declared charset.

import { encodingFor, FALLBACK_ENCODING, fromBinary, isValidUtf8, toBinary } from './charset.ts';
import { declaredCharset } from './message-headers.ts';
import { leafParts, partContent, type LeafPart } from './mime-parts.ts';
import { PRESCAN_BYTES, prescanCharset } from './meta-charset.ts';

/** Base64 needs 4 chars for 3 bytes; QP up to 3 per byte, plus line breaks. */
const PRESCAN_INPUT_CHARS = PRESCAN_BYTES * 4;

/**
 * The encoding of one text part's body. `content` gives the transfer-decoded
 * bytes (at most `maxChars` input characters of them, for the prescan).
 */
export function bodyEncoding(
  part: { charset: string | undefined; isHtml: boolean },
  content: (maxChars?: number) => Uint8Array,
  declared: string | null,
): string {
  const labelled = encodingFor(part.charset);
  if (labelled) return labelled;
  if (part.isHtml) {
    const meta = prescanCharset(content(PRESCAN_INPUT_CHARS));
    if (meta) return meta;
  }
  if (isValidUtf8(content())) return 'utf-8';
  return declared ?? FALLBACK_ENCODING;
}

function isTextPart(part: LeafPart): boolean {
  return part.contentType.value.startsWith('text/') || part.contentType.value === '';
}

/**
 * The message with an explicit `charset` on every text part that lacks a
 * usable one, so a parser that defaults to UTF-8 (postal-mime) decodes each
 * part the way browsers and desktop clients do. Returns `message` itself when
 * nothing needs a label; the bytes of every part are left as they are.
 */
export function labelTextParts(message: Uint8Array): Uint8Array {
  const text = toBinary(message);
  const parts = leafParts(text);
  const declared = declaredCharset(text, parts);
  // Each edit replaces text.slice(from, to); they come in document order.
  const edits: Array<[number, number, string]> = [];
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  for (const part of parts) {
    const charset = part.contentType.params.get('charset');
    if (!isTextPart(part) || encodingFor(charset)) continue;
    const encoding = bodyEncoding(
      { charset, isHtml: part.contentType.value === 'text/html' },
      (max) => partContent(text, part, max),
      declared,
    );
    // Without a usable label the parser reads UTF-8 already: leave those parts as they are.
    if (encoding === 'utf-8' && charset === undefined) continue;
    const label = `charset="${encoding}"`;
    if (part.contentTypeValue === null) {
      edits.push([
        part.headerStart,
        part.headerStart,
        `Content-Type: text/plain; ${label}${newline}`,
      ]);
      continue;
    }
    const [from, to] = part.contentTypeValue;
    // An unusable label is replaced in place: a second charset parameter would not win.
    const old = /;\s*charset\s*=\s*(?:"[^"]*"|[^;\s]*)/i.exec(text.slice(from, to));
    if (old) edits.push([from + old.index, from + old.index + old[0].length, `; ${label}`]);
    else edits.push([to, to, `; ${label}`]);
  }
  if (edits.length === 0) return message;
  let out = '';
  let last = 0;
  for (const [from, to, replacement] of edits) {
    out += text.slice(last, from) + replacement;
    last = to;
  }
  return fromBinary(out + text.slice(last));
}
