// The text/plain body: what the person typed, lines ended by CRLF, and the
// transfer encoding that carries it unchanged. Long lines are wrapped only
// here, on sending, with RFC 3676 format=flowed or RFC 2045 quoted-printable,
// so that a decoder gives back every character as typed.

import { quotedPrintable } from './transfer-encoding.ts';

const encoder = new TextEncoder();

/** RFC 5322 §2.1.1 and RFC 3676 §4.2: lines SHOULD be at most 78 characters. */
const WRAP_AT = 78;
/** RFC 5322 §2.1.1 / RFC 5321 §4.5.3.1.6: 998 octets a line, CRLF excluded. */
const MAX_OCTETS = 998;
// Controls other than TAB are not text in 7bit or 8bit data (RFC 2045 §2.7, §2.8).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

export interface TextBody {
  /** The Content-Type value, `text/plain; charset=utf-8` with `format=flowed` when wrapped so. */
  contentType: string;
  transferEncoding: '7bit' | '8bit' | 'quoted-printable';
  /** The encoded body, CRLF-ended lines. */
  bytes: Uint8Array<ArrayBuffer>;
}

export interface TextOptions {
  /** RFC 6152: the server offers 8BITMIME, so UTF-8 may travel unencoded. */
  eightBit?: boolean;
}

const octets = (text: string): number => encoder.encode(text).length;

/**
 * RFC 3676 §4.4: a line that starts with a space or `From ` is
 * space-stuffed; the decoder removes the one space. A `>` at the start of a
 * line the person typed is a quote mark and stays; one at the start of a
 * wrapped continuation is stuffed, or it would read as a quote.
 */
function stuff(line: string, isContinuation: boolean): string {
  const needs =
    line.startsWith(' ') || line.startsWith('From ') || (isContinuation && line.startsWith('>'));
  return needs ? ` ${line}` : line;
}

/**
 * One typed line as flowed lines: broken after a run of spaces, so every
 * line but the last ends with a space (a soft break, §4.2) and no character
 * is added or lost (DelSp=no). Quoted lines (`>`) are not wrapped: their
 * continuations would need the quote prefix, which a decoder must strip.
 * Undefined when some piece would still pass 998 octets.
 */
function flowLine(line: string): string[] | undefined {
  const pieces: string[] = [];
  let rest = line;
  const isQuote = line.startsWith('>');
  while (!isQuote && octets(stuff(rest, pieces.length > 0)) > WRAP_AT) {
    let cut = -1;
    for (const match of rest.matchAll(/ +(?=[^ ])/g)) {
      const end = match.index + match[0].length;
      // A piece that is exactly `-- ` would read as the signature separator, a hard break (§4.3).
      if (rest.slice(0, end) === '-- ') continue;
      if (cut > 0 && octets(stuff(rest.slice(0, end), pieces.length > 0)) > WRAP_AT) break;
      cut = end;
    }
    // No space to break at: the rest stays one long line.
    if (cut <= 0) break;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  pieces.push(rest);
  const out = pieces.map((piece, i) => stuff(piece, i > 0));
  return out.every((piece) => octets(piece) <= MAX_OCTETS) ? out : undefined;
}

/**
 * RFC 3676 as this builder uses it: only when no typed line ends with a
 * space (a hard break there would read as soft), the signature separator
 * `-- ` apart (§4.3).
 */
function flowed(lines: readonly string[]): string[] | undefined {
  const out: string[] = [];
  for (const line of lines) {
    if (line.endsWith(' ') && line !== '-- ') return undefined;
    const flowedLines = flowLine(line);
    if (!flowedLines) return undefined;
    out.push(...flowedLines);
  }
  return out;
}

const joinLines = (lines: readonly string[]): Uint8Array<ArrayBuffer> =>
  encoder.encode(lines.map((line) => `${line}\r\n`).join(''));

/**
 * Encodes typed text for sending. CR, LF and CRLF all end a line, and the
 * body ends with a line break. In order of preference: as typed when every
 * line fits in 78 characters (7bit, or 8bit with 8BITMIME); format=flowed
 * when long lines can be broken at spaces; else quoted-printable, which
 * carries any text exactly.
 */
export function encodeTextBody(text: string, options: TextOptions = {}): TextBody {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const isAscii = !NON_ASCII.test(text);
  const plain = 'text/plain; charset=utf-8';
  if (!CONTROL.test(text) && (isAscii || options.eightBit === true)) {
    const transferEncoding = isAscii ? '7bit' : '8bit';
    if (lines.every((line) => octets(line) <= WRAP_AT)) {
      return { contentType: plain, transferEncoding, bytes: joinLines(lines) };
    }
    const wrapped = flowed(lines);
    if (wrapped) {
      return {
        contentType: `${plain}; format=flowed`,
        transferEncoding,
        bytes: joinLines(wrapped),
      };
    }
  }
  return {
    contentType: plain,
    transferEncoding: 'quoted-printable',
    bytes: quotedPrintable(joinLines(lines)),
  };
}
