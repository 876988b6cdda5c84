// RFC 2047 encoded-words in header text. Adjacent words of one charset form one
// run only where joining bytes is valid for that charset. Header text only.

import { decodeRawBytes, decodeText, encodingFor, fromBinary } from './charset.ts';

// Bounded pieces, no nested quantifiers: linear on hostile input.
const ENCODED_WORD = /=\?([^?\s]{1,64})\?([BbQq])\?([^?\s]*)\?=/g;
const BETWEEN_WORDS = /^[ \t\r\n]*$/;

/**
 * Stateful encodings: every word must be decoded on its own. RFC 1468 ends each
 * ISO-2022-JP word in ASCII, and joining two puts escape sequences back to back,
 * an error (U+FFFD) under the Encoding Standard's ISO-2022-JP decoder.
 */
const DECODED_PER_WORD = new Set(['iso-2022-jp']);

/** RFC 2047 §4.1 B: base64, padding optional as mailers write it. */
export function base64Bytes(text: string): Uint8Array | null {
  try {
    return fromBinary(atob(text.replace(/=+$/, '')));
  } catch {
    return null;
  }
}

/** RFC 2047 §4.2 Q: `_` is a space, `=XX` a byte. */
function quotedBytes(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5f) out.push(0x20);
    else if (ch === 0x3d && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(ch & 0xff);
  }
  return Uint8Array.from(out);
}

interface Run {
  /** The encoding name, or the lower-case label when no encoding has that label. */
  key: string;
  encoding: string | null;
  parts: Uint8Array[];
}

function decodeRun(run: Run | undefined, declared: string | null): string {
  if (!run) return '';
  let length = 0;
  for (const part of run.parts) length += part.length;
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const part of run.parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  // A label no decoder knows: the bytes are read like raw header bytes.
  return run.encoding ? decodeText(joined, run.encoding) : decodeRawBytes(joined, declared);
}

/**
 * Decodes the encoded-words in a header value. Mailers split one multi-byte
 * character (UTF-8, GBK, Big5) across two words, so adjacent words of one
 * charset are joined as bytes before decoding, except in stateful charsets.
 * Whitespace between adjacent words is dropped (§6.2). `declared` is the
 * message's charset, for words whose label no decoder knows.
 */
export function decodeEncodedWords(value: string, declared: string | null = null): string {
  if (!value.includes('=?')) return value;
  let out = '';
  let run: Run | undefined;
  let last = 0;
  for (const match of value.matchAll(ENCODED_WORD)) {
    const [whole, charset = '', encoding = '', text = ''] = match;
    const bytes = encoding.toUpperCase() === 'B' ? base64Bytes(text) : quotedBytes(text);
    if (!bytes) continue; // not decodable: the word stays as written
    const between = value.slice(last, match.index);
    const name = encodingFor(charset);
    const key = name ?? charset.toLowerCase();
    if (run === undefined || !BETWEEN_WORDS.test(between)) {
      out += decodeRun(run, declared) + between;
      run = undefined;
    }
    if (run && run.key === key && !DECODED_PER_WORD.has(key)) run.parts.push(bytes);
    else {
      out += decodeRun(run, declared);
      run = { key, encoding: name, parts: [bytes] };
    }
    last = match.index + whole.length;
  }
  return out + decodeRun(run, declared) + value.slice(last);
}
