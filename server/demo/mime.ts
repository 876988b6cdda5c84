// A small RFC 5322 / MIME writer for the sample mailbox: encoded words
// (RFC 2047), folded headers, text and binary parts, multiparts; CRLF bytes out.

import { Buffer } from 'node:buffer';

/** One header field, name and unfolded value. */
export type Header = readonly [name: string, value: string];

/** A MIME entity: its headers and its already-encoded body. */
export interface MimeEntity {
  headers: Header[];
  body: Uint8Array;
}

const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** RFC 2045 §6.7/§6.8: encoded lines stay within 76 characters. */
const ENCODED_LINE = 76;
/** UTF-8 bytes per encoded word, so each word stays under 75 characters (RFC 2047 §2). */
const WORD_BYTES = 45;

const pad = (value: number): string => String(value).padStart(2, '0');

/** Normalize line ends to CRLF and end with one. */
export function crlf(text: string): string {
  const normalized = text.replace(/\r?\n/g, '\r\n');
  return normalized.endsWith('\r\n') ? normalized : `${normalized}\r\n`;
}

/**
 * RFC 5322 §3.3 date-time as seen by a sender at `offsetMinutes` from UTC,
 * always two-digit day, so every date has the same length.
 */
export function formatDate(instant: Date, offsetMinutes: number): string {
  const local = new Date(instant.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const offset = Math.abs(offsetMinutes);
  return (
    `${WEEKDAYS[local.getUTCDay()]}, ${pad(local.getUTCDate())} ${MONTHS[local.getUTCMonth()]} ` +
    `${local.getUTCFullYear()} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:` +
    `${pad(local.getUTCSeconds())} ${sign}${pad(Math.floor(offset / 60))}${pad(offset % 60)}`
  );
}

/** RFC 2047 B-encoded UTF-8 words for non-ASCII text; ASCII passes unchanged. */
export function encodeWords(text: string): string {
  if (ASCII_PRINTABLE.test(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    // Never split a character between words (RFC 2047 §5: each word decodes alone).
    if (Buffer.byteLength(chunk + char) > WORD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word).toString('base64')}?=`).join(' ');
}

/** A mailbox for From/To: `"Name" <address>`, the name encoded when not ASCII. */
export function address(name: string, email: string): string {
  const phrase = ASCII_PRINTABLE.test(name)
    ? `"${name.replace(/["\\]/g, '\\$&')}"`
    : encodeWords(name);
  return `${phrase} <${email}>`;
}

/** Split at spaces that are not inside a quoted display name. */
function splitOutsideQuotes(value: string): string[] {
  const words: string[] = [];
  let word = '';
  let isQuoted = false;
  for (let at = 0; at < value.length; at++) {
    const char = value[at] ?? '';
    if (char === '\\' && isQuoted) {
      word += char + (value[++at] ?? '');
      continue;
    }
    if (char === '"') isQuoted = !isQuoted;
    if (char === ' ' && !isQuoted) {
      words.push(word);
      word = '';
    } else {
      word += char;
    }
  }
  words.push(word);
  return words;
}

/** RFC 5322 §2.2.3: fold a long field at spaces so lines stay near 78 characters. */
function foldHeader(name: string, value: string): string {
  const words = splitOutsideQuotes(value);
  let line = `${name}:`;
  const lines: string[] = [];
  for (const word of words) {
    if (line.length + 1 + word.length > 78 && line.length > name.length + 1) {
      lines.push(line);
      line = '';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines.join('\r\n');
}

function headerBlock(headers: readonly Header[]): string {
  return headers.map(([name, value]) => `${foldHeader(name, value)}\r\n`).join('');
}

/** Base64 in 76-character lines, CRLF after each. */
export function base64Lines(bytes: Uint8Array): string {
  const encoded = Buffer.from(bytes).toString('base64');
  let out = '';
  for (let at = 0; at < encoded.length; at += ENCODED_LINE) {
    out += `${encoded.slice(at, at + ENCODED_LINE)}\r\n`;
  }
  return out;
}

/** RFC 2045 §6.7 quoted-printable of UTF-8 text, soft breaks under 76 characters. */
export function quotedPrintable(text: string): string {
  const out: string[] = [];
  for (const line of crlf(text).slice(0, -2).split('\r\n')) {
    const bytes = Buffer.from(line);
    let current = '';
    bytes.forEach((byte, index) => {
      const isLast = index === bytes.length - 1;
      const isPlain =
        (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !isLast);
      const token = isPlain
        ? String.fromCharCode(byte)
        : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      if (current.length + token.length > ENCODED_LINE - 1) {
        out.push(`${current}=`);
        current = '';
      }
      current += token;
    });
    out.push(current);
  }
  return out.map((line) => `${line}\r\n`).join('');
}

/** A text/plain or text/html part in UTF-8. */
export function textPart(
  text: string,
  options: {
    subtype?: 'plain' | 'html';
    encoding?: '7bit' | '8bit' | 'quoted-printable' | 'base64';
  } = {},
): MimeEntity {
  const encoding = options.encoding ?? 'quoted-printable';
  const charset = encoding === '7bit' ? 'us-ascii' : 'UTF-8';
  const headers: Header[] = [
    ['Content-Type', `text/${options.subtype ?? 'plain'}; charset=${charset}`],
    ['Content-Transfer-Encoding', encoding],
  ];
  if (encoding === '7bit' && !ASCII_PRINTABLE.test(text.replace(/\r?\n/g, ''))) {
    throw new Error('7bit text must be ASCII');
  }
  const body =
    encoding === 'quoted-printable'
      ? quotedPrintable(text)
      : encoding === 'base64'
        ? base64Lines(Buffer.from(crlf(text)))
        : crlf(text);
  return { headers, body: Buffer.from(body) };
}

/** A part whose body is given bytes, base64-encoded. */
export function binaryPart(bytes: Uint8Array, headers: Header[]): MimeEntity {
  return {
    headers: [...headers, ['Content-Transfer-Encoding', 'base64']],
    body: Buffer.from(base64Lines(bytes)),
  };
}

/** A multipart entity (RFC 2046 §5.1) from its parts. */
export function multipart(
  subtype: 'alternative' | 'mixed' | 'related',
  boundary: string,
  parts: readonly MimeEntity[],
  extraParameters = '',
): MimeEntity {
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n${headerBlock(part.headers)}\r\n`), part.body);
    // The CRLF before the next delimiter belongs to the delimiter (RFC 2046 §5.1.1).
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    headers: [['Content-Type', `multipart/${subtype}; boundary="${boundary}"${extraParameters}`]],
    body: Buffer.concat(chunks),
  };
}

/** The whole message: top-level headers, MIME-Version, the entity's headers and body. */
export function serializeMessage(headers: readonly Header[], entity: MimeEntity): Uint8Array {
  const all: Header[] = [...headers, ['MIME-Version', '1.0'], ...entity.headers];
  // A copy with its own ArrayBuffer, not a view into Buffer's shared pool.
  return new Uint8Array(Buffer.concat([Buffer.from(`${headerBlock(all)}\r\n`), entity.body]));
}
