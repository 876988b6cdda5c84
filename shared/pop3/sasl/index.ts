// Client-side POP3 authentication beyond USER/PASS: SASL mechanisms for AUTH
// (RFC 5034) and the APOP digest (RFC 1939 §7). The public surface of sasl/.

import { MAX_COMMAND_LINE } from '../limits.ts';
import { encodeBase64 } from './base64.ts';
import { CramMd5Mechanism } from './cram-md5.ts';
import { LoginMechanism } from './login.ts';
import type { SaslCredentials, SaslMechanism, SaslOptions } from './mechanism.ts';
import { PlainMechanism } from './plain.ts';
import { ScramMechanism } from './scram.ts';

export { apopDigest, isValidApopTimestamp } from './apop.ts';
export { decodeBase64, encodeBase64 } from './base64.ts';
export type { SaslCredentials, SaslMechanism, SaslOptions } from './mechanism.ts';
export { SCRAM_MAX_ITERATIONS, SCRAM_MIN_ITERATIONS } from './scram.ts';

/**
 * Strongest first; the session picks the first the server offers. SCRAM proves
 * the server knows the password too; PLAIN and LOGIN send it (inside TLS);
 * CRAM-MD5 rests on MD5 and makes the server keep a plaintext equivalent.
 */
export const SASL_PREFERENCE: readonly string[] = Object.freeze([
  'SCRAM-SHA-256',
  'SCRAM-SHA-1',
  'PLAIN',
  'LOGIN',
  'CRAM-MD5',
]);

/**
 * A fresh client mechanism for `name` (any case), or undefined when it is not
 * one we implement. Credentials are checked when the exchange starts, so
 * every failure arrives as a rejected promise with code POP3_SASL_FAILED.
 */
export function createSaslMechanism(
  name: string,
  credentials: SaslCredentials,
  options: SaslOptions = {},
): SaslMechanism | undefined {
  switch (name.toUpperCase()) {
    case 'SCRAM-SHA-256':
      return new ScramMechanism('SHA-256', credentials, options);
    case 'SCRAM-SHA-1':
      return new ScramMechanism('SHA-1', credentials, options);
    case 'PLAIN':
      return new PlainMechanism(credentials);
    case 'LOGIN':
      return new LoginMechanism(credentials);
    case 'CRAM-MD5':
      return new CramMd5Mechanism(credentials);
    default:
      return undefined;
  }
}

/**
 * RFC 5034 §4: may `initialResponse` ride on the AUTH line? Only when
 * `AUTH <name> <base64>` CRLF fits 255 octets (RFC 2449 §4). When it does not,
 * send `AUTH <name>` alone and answer the server's empty challenge with
 * `mechanism.respond(new Uint8Array())`, which returns the same response.
 */
export function canSendInitialResponse(name: string, initialResponse: Uint8Array): boolean {
  // An empty initial response is sent as "=" (RFC 5034 §4).
  const encoded = encodeBase64(initialResponse) || '=';
  return `AUTH ${name} ${encoded}\r\n`.length <= MAX_COMMAND_LINE;
}
