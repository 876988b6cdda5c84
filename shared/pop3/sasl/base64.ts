// Base64 (RFC 4648 §4) for SASL payloads, strict on decode: one canonical form
// per byte string, so a server cannot smuggle bytes past a check.

import { saslError } from './mechanism.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/** Standard base64 with padding (RFC 4648 §4); empty bytes give the empty string. */
export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  const whole = bytes.length - (bytes.length % 3);
  for (let i = 0; i < whole; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out +=
      ALPHABET.charAt(n >> 18) +
      ALPHABET.charAt((n >> 12) & 63) +
      ALPHABET.charAt((n >> 6) & 63) +
      ALPHABET.charAt(n & 63);
  }
  const rest = bytes.length - whole;
  if (rest === 1) {
    const n = (bytes[whole] ?? 0) << 16;
    out += `${ALPHABET.charAt(n >> 18)}${ALPHABET.charAt((n >> 12) & 63)}==`;
  } else if (rest === 2) {
    const n = ((bytes[whole] ?? 0) << 16) | ((bytes[whole + 1] ?? 0) << 8);
    out += `${ALPHABET.charAt(n >> 18)}${ALPHABET.charAt((n >> 12) & 63)}${ALPHABET.charAt((n >> 6) & 63)}=`;
  }
  return out;
}

function valueAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  const value = code < 128 ? (VALUES[code] ?? -1) : -1;
  // RFC 4648 §3.3: characters outside the alphabet (spaces, line breaks,
  // URL-safe `-_`) are refused, not skipped.
  if (value < 0) throw saslError(`base64 has a character outside the alphabet at ${index}`);
  return value;
}

/**
 * Decode canonical base64: length a multiple of 4, padding only at the end,
 * and zero in the bits the padding leaves unused (RFC 4648 §3.5). Anything
 * else throws Pop3Error 'POP3_SASL_FAILED'. The empty string gives empty bytes.
 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  // RFC 4648 §3.2: padding is required, so the length is a multiple of 4.
  if (text.length % 4 !== 0) throw saslError('base64 length is not a multiple of 4');
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  const end = text.length - padding;
  let written = 0;
  let i = 0;
  for (; i + 4 <= end; i += 4) {
    const n =
      (valueAt(text, i) << 18) |
      (valueAt(text, i + 1) << 12) |
      (valueAt(text, i + 2) << 6) |
      valueAt(text, i + 3);
    out[written++] = n >> 16;
    out[written++] = (n >> 8) & 255;
    out[written++] = n & 255;
  }
  if (padding === 0) return out;
  if (end - i !== 4 - padding) throw saslError('base64 padding is misplaced');
  const first = valueAt(text, i);
  const second = valueAt(text, i + 1);
  if (padding === 2) {
    if ((second & 15) !== 0) throw saslError('base64 is not canonical (non-zero pad bits)');
    out[written] = (first << 2) | (second >> 4);
    return out;
  }
  const third = valueAt(text, i + 2);
  if ((third & 3) !== 0) throw saslError('base64 is not canonical (non-zero pad bits)');
  out[written++] = (first << 2) | (second >> 4);
  out[written] = ((second & 15) << 4) | (third >> 2);
  return out;
}
