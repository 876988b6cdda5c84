// The DATA body (RFC 5321 §4.1.1.4, §4.5.2): dot-stuffing to exact bytes that
// end with CRLF.CRLF, the explicit line-ending normaliser for message
// building, and the inverse used by tests and the demo server. Pure.

import { localError } from './errors.ts';

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const TERMINATOR = Uint8Array.of(DOT, CR, LF);

/** The first bare CR or bare LF in `body` and which one it is; undefined when none. */
export function findBareLineEnding(
  body: Uint8Array,
): { index: number; byte: 'CR' | 'LF' } | undefined {
  for (let i = body.indexOf(LF); i >= 0; i = body.indexOf(LF, i + 1)) {
    if (i === 0 || body[i - 1] !== CR) return { index: i, byte: 'LF' };
  }
  for (let i = body.indexOf(CR); i >= 0; i = body.indexOf(CR, i + 1)) {
    if (body[i + 1] !== LF) return { index: i, byte: 'CR' };
  }
  return undefined;
}

/**
 * The bytes to send after the 354: every line starting with "." gets one more
 * (RFC 5321 §4.5.2), a CRLF is added when the body does not end with one, and
 * ".CRLF" follows. Refuses a bare CR or LF (SMTP_BAD_BODY): RFC 5321 §2.3.8
 * forbids them, and servers disagree on how to read them (SMTP smuggling).
 */
export function dotStuff(body: Uint8Array): Uint8Array<ArrayBuffer> {
  const bare = findBareLineEnding(body);
  if (bare) {
    throw localError(
      'SMTP_BAD_BODY',
      `bare ${bare.byte} at octet ${bare.index}; lines end with CRLF`,
    );
  }
  let dots = body[0] === DOT ? 1 : 0;
  for (let i = body.indexOf(LF); i >= 0; i = body.indexOf(LF, i + 1)) {
    if (body[i + 1] === DOT) dots++;
  }
  const needsCrlf =
    body.length > 0 && !(body[body.length - 2] === CR && body[body.length - 1] === LF);
  const out = new Uint8Array(body.length + dots + (needsCrlf ? 2 : 0) + TERMINATOR.length);
  let at = 0;
  let start = 0;
  const lineStarts = (i: number): boolean => i < body.length && body[i] === DOT;
  if (lineStarts(0)) out[at++] = DOT;
  for (let i = body.indexOf(LF); i >= 0; i = body.indexOf(LF, i + 1)) {
    out.set(body.subarray(start, i + 1), at);
    at += i + 1 - start;
    start = i + 1;
    if (lineStarts(start)) out[at++] = DOT;
  }
  out.set(body.subarray(start), at);
  at += body.length - start;
  if (needsCrlf) {
    out[at++] = CR;
    out[at++] = LF;
  }
  out.set(TERMINATOR, at);
  return out;
}

/**
 * For message building only: every CRLF, bare LF and bare CR becomes CRLF
 * (RFC 5322 §2.1). Kept apart from dotStuff() so that nothing fixes a body by
 * accident on its way to the server.
 */
export function toCrlf(body: Uint8Array): Uint8Array<ArrayBuffer> {
  let extra = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === LF && body[i - 1] !== CR) extra++;
    else if (body[i] === CR && body[i + 1] !== LF) extra++;
  }
  const out = new Uint8Array(body.length + extra);
  let at = 0;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i] ?? 0;
    if (byte === LF && body[i - 1] !== CR) out[at++] = CR;
    out[at++] = byte;
    if (byte === CR && body[i + 1] !== LF) out[at++] = LF;
  }
  return out;
}

/**
 * The inverse of dotStuff() as a server reads it (RFC 5321 §4.5.2): the body
 * before the terminator, one leading dot removed from each line. Throws
 * SMTP_BAD_BODY when the bytes do not end with the terminator.
 */
export function dotUnstuff(data: Uint8Array): Uint8Array<ArrayBuffer> {
  const n = data.length;
  const hasEnd =
    n >= 3 &&
    data[n - 3] === DOT &&
    data[n - 2] === CR &&
    data[n - 1] === LF &&
    (n === 3 || (data[n - 5] === CR && data[n - 4] === LF));
  if (!hasEnd) throw localError('SMTP_BAD_BODY', 'the data does not end with CRLF.CRLF');
  const body = data.subarray(0, n - 3);
  const out = new Uint8Array(body.length);
  let at = 0;
  let isLineStart = true;
  for (const byte of body) {
    if (isLineStart && byte === DOT) {
      isLineStart = false;
      continue;
    }
    out[at++] = byte;
    isLineStart = byte === LF;
  }
  return out.slice(0, at);
}
