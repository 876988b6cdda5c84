// Byte helpers for the SASL mechanisms: strict UTF-8 both ways, hex, and a
// constant-time compare. Web platform only.

import { saslError } from './mechanism.ts';

const encoder = new TextEncoder();
// fatal: a challenge that is not UTF-8 is refused rather than guessed at;
// ignoreBOM: a BOM stays in the text so it cannot vanish from a SCRAM AuthMessage.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// A lone surrogate would silently become U+FFFD in TextEncoder, so the server
// would check a password the user never typed.
const LONE_SURROGATE = /\p{Cs}/u;
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** UTF-8 bytes of `text`; throws POP3_SASL_FAILED when it holds a lone surrogate. */
export function encodeUtf8(what: string, text: string): Uint8Array<ArrayBuffer> {
  if (LONE_SURROGATE.test(text)) throw saslError(`${what} is not well-formed Unicode`);
  return encoder.encode(text);
}

/** Text of UTF-8 `bytes`; throws POP3_SASL_FAILED when they are not UTF-8. */
export function decodeUtf8(what: string, bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw saslError(`${what} is not valid UTF-8`, { cause });
  }
}

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX[byte] ?? '';
  return out;
}

/**
 * Equal bytes, in time that depends only on the lengths: comparing a SCRAM
 * server signature byte by byte with an early exit would leak how much of a
 * forged one was right.
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}
