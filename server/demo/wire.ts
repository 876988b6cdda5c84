// Bytes of multi-line replies: dot-stuffing and the terminating "." line
// (RFC 1939 §3), and the cut TOP makes. Chunked so a huge message is never copied whole.

import { Buffer } from 'node:buffer';

const LF = 0x0a;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');
const STUFFING_DOT = Buffer.from('.');
const TERMINATOR = Buffer.from('.\r\n');
const CRLF_TERMINATOR = Buffer.from('\r\n.\r\n');
/** Size of the slices a message is written in; the socket is drained between them. */
export const WRITE_CHUNK = 64 * 1024;

function nextLineStart(bytes: Uint8Array, from: number): number {
  const lf = bytes.indexOf(LF, from);
  return lf < 0 ? -1 : lf + 1;
}

/**
 * The message as a multi-line body: each line that starts with "." gets one
 * more, then the terminator. Yields slices of `bytes` where no stuffing is needed.
 */
export function* stuffedBody(bytes: Uint8Array, chunkSize = WRITE_CHUNK): Generator<Uint8Array> {
  let isLineStart = true;
  for (let start = 0; start < bytes.length; start += chunkSize) {
    const slice = bytes.subarray(start, Math.min(start + chunkSize, bytes.length));
    const pieces: Uint8Array[] = [];
    let from = 0;
    let at = isLineStart ? 0 : nextLineStart(slice, 0);
    while (at >= 0 && at < slice.length) {
      if (slice[at] === DOT) {
        pieces.push(slice.subarray(from, at), STUFFING_DOT);
        from = at;
      }
      at = nextLineStart(slice, at);
    }
    isLineStart = slice[slice.length - 1] === LF;
    if (pieces.length === 0) {
      yield slice;
    } else {
      pieces.push(slice.subarray(from));
      yield Buffer.concat(pieces);
    }
  }
  // The terminator must start a line: a message without a final CRLF gets one.
  yield isLineStart ? TERMINATOR : CRLF_TERMINATOR;
}

/** Lines of a listing (CAPA, LIST, UIDL) as one terminated multi-line body. */
export function listingBody(lines: readonly string[]): Uint8Array[] {
  const text = lines.map((line) => `${line}\r\n`).join('');
  return [Buffer.from(`${text}.\r\n`)];
}

/**
 * RFC 1939 §7 TOP: the header, the blank line after it, and at most `lines`
 * lines of the body. A message without a blank line is all header.
 */
export function topOfMessage(bytes: Uint8Array, lines: number): Uint8Array {
  const blank = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf('\r\n\r\n');
  let end: number;
  if (bytes[0] === CRLF[0] && bytes[1] === CRLF[1]) end = 2;
  else if (blank < 0) return bytes;
  else end = blank + 4;
  for (let count = 0; count < lines && end < bytes.length; count++) {
    const lf = bytes.indexOf(LF, end);
    end = lf < 0 ? bytes.length : lf + 1;
  }
  return bytes.subarray(0, end);
}
