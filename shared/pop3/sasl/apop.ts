// APOP (RFC 1939 §7): the digest (MD5 from @noble/hashes, WebCrypto has none)
// and the check that a greeting timestamp is a msg-id before we hash with it.

import { md5 } from '@noble/hashes/legacy.js';
import { encodeUtf8, toHex } from './bytes.ts';

/** RFC 1939 §4 / RFC 5322 §3.6.4: a msg-id, bounded so hashing it stays cheap. */
const MAX_TIMESTAMP_BYTES = 256;
const LESS_THAN = 0x3c;
const GREATER_THAN = 0x3e;
const AT = 0x40;

/** Lowercase hex MD5 of `bytes` (RFC 1321). */
export function md5Hex(bytes: Uint8Array): string {
  return toHex(md5(bytes));
}

/**
 * RFC 1939 §7: lowercase hex MD5 of timestamp + password. The password is
 * hashed as UTF-8; throws POP3_SASL_FAILED when it is not well-formed Unicode.
 */
export function apopDigest(timestamp: string, password: string): string {
  return md5Hex(encodeUtf8('the APOP secret', timestamp + password));
}

/**
 * RFC 1939 §4 / RFC 5322 msg-id: is the greeting timestamp acceptable for
 * APOP? `<` id-left `@` id-right `>`, at most 256 bytes, printable ASCII
 * without space or inner angle brackets, exactly one `@`. One pass, linear.
 * Refusing anything else keeps a hostile server from choosing the odd
 * challenge bytes MD5 collision attacks on APOP need (Leurent, FSE 2007).
 */
export function isValidApopTimestamp(timestamp: string): boolean {
  const length = timestamp.length;
  // "<a@b>" is the shortest; every accepted character is one byte, so the
  // UTF-16 length is the byte length.
  if (length < 5 || length > MAX_TIMESTAMP_BYTES) return false;
  if (timestamp.charCodeAt(0) !== LESS_THAN || timestamp.charCodeAt(length - 1) !== GREATER_THAN) {
    return false;
  }
  let at = -1;
  for (let i = 1; i < length - 1; i++) {
    const code = timestamp.charCodeAt(i);
    if (code < 0x21 || code > 0x7e || code === LESS_THAN || code === GREATER_THAN) return false;
    if (code === AT) {
      if (at >= 0) return false;
      at = i;
    }
  }
  // Both id-left and id-right are non-empty.
  return at > 1 && at < length - 2;
}
