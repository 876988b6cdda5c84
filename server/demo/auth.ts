// Credential checks of the demo server: USER/PASS and APOP (RFC 1939 §7), and
// the SASL PLAIN (RFC 4616) and LOGIN responses of AUTH (RFC 5034). No state, no I/O.

import { Buffer } from 'node:buffer';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DemoUser } from './mailbox.ts';

/** RFC 5034 §4 challenges of the LOGIN mechanism, already base64. */
export const LOGIN_USERNAME_CHALLENGE = Buffer.from('Username:').toString('base64');
export const LOGIN_PASSWORD_CHALLENGE = Buffer.from('Password:').toString('base64');

/** RFC 1939 §7: a fresh msg-id style timestamp for the greeting, unique per session. */
export function makeApopTimestamp(): string {
  return `<${process.pid}.${randomBytes(6).toString('hex')}.${Date.now()}@localhost>`;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The user whose name and password match, if any. */
export function checkPassword(
  users: readonly DemoUser[],
  name: string,
  password: string,
): DemoUser | undefined {
  const user = users.find((candidate) => candidate.name === name);
  return user && sameText(user.password, password) ? user : undefined;
}

/** The user whose APOP digest, MD5(timestamp + password) in hex, matches. */
export function checkApop(
  users: readonly DemoUser[],
  name: string,
  digest: string,
  timestamp: string,
): DemoUser | undefined {
  const user = users.find((candidate) => candidate.name === name);
  if (!user) return undefined;
  const expected = createHash('md5')
    .update(timestamp + user.password)
    .digest('hex');
  return sameText(expected, digest.toLowerCase()) ? user : undefined;
}

/** Base64 (already checked for its alphabet by the codec) as UTF-8 text. */
export function decodeSaslText(response: string): string {
  return Buffer.from(response, 'base64').toString('utf8');
}

/**
 * RFC 4616: message = [authzid] NUL authcid NUL passwd. Returns the name and
 * password, or undefined when malformed or asking to act as someone else.
 */
export function decodePlain(response: string): { name: string; password: string } | undefined {
  const parts = decodeSaslText(response).split('\0');
  if (parts.length !== 3) return undefined;
  const [authzid = '', name = '', password = ''] = parts;
  if (name === '' || password === '') return undefined;
  // The demo has no administrators: authorizing as another identity is refused.
  if (authzid !== '' && authzid !== name) return undefined;
  return { name, password };
}
