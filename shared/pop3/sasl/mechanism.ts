// The client-side SASL contract (RFC 4422, as profiled for POP3 by RFC 5034)
// and the one factory for its errors. Knows no mechanism and no session.

import { localError, type Pop3Error } from '../errors.ts';

/** What a mechanism needs to authenticate. `authzid` is the identity to act as, if not oneself. */
export interface SaslCredentials {
  username: string;
  password: string;
  authzid?: string;
}

/** Tuning for mechanisms that need it; every field is optional. */
export interface SaslOptions {
  /**
   * SCRAM client nonce (RFC 5802 §5.1 `r=`), printable ASCII without a comma.
   * Only tests set it, to replay the RFC examples; by default 24 random bytes.
   */
  clientNonce?: string;
  /**
   * Largest SCRAM iteration count accepted from the server, so a hostile
   * server cannot make the client burn its CPU on PBKDF2. Default 1,000,000.
   */
  maxIterations?: number;
}

/** One client side of one SASL exchange; create a fresh one per AUTH attempt. */
export interface SaslMechanism {
  /** The IANA mechanism name, upper case: `SCRAM-SHA-256`, `PLAIN`, … */
  readonly name: string;
  /**
   * Initial response for `AUTH <name> <base64>` (RFC 5034 §4), or undefined
   * when the mechanism waits for a server challenge first (LOGIN, CRAM-MD5).
   */
  start(): Promise<Uint8Array | undefined>;
  /**
   * Answer one decoded server challenge. Throws Pop3Error with code
   * 'POP3_SASL_FAILED' for a malformed or hostile challenge, and for a SCRAM
   * server signature that does not verify.
   */
  respond(challenge: Uint8Array): Promise<Uint8Array>;
  /**
   * Whether, once the server said +OK, the exchange is complete and (for
   * SCRAM) the server proved it knows the password. The session refuses a
   * +OK when this is false for SCRAM.
   */
  isComplete(): boolean;
}

/** Build the error of every SASL failure; messages never carry a password. */
export function saslError(message: string, options?: { cause?: unknown }): Pop3Error {
  return localError('POP3_SASL_FAILED', message, options);
}

/** Run `produce` and hand its result or its throw back as a promise. */
export function settle<T>(produce: () => T): Promise<T> {
  return new Promise((resolve) => resolve(produce()));
}
