// The SASL mechanisms of the POP3 side (SCRAM-SHA-256/1, PLAIN, LOGIN,
// CRAM-MD5), used unchanged for SMTP AUTH (RFC 4954): this adapter only turns
// their POP3_SASL_FAILED errors into SMTP_SASL_FAILED, so callers of the SMTP
// layer branch on SMTP codes alone.

import { Pop3Error } from '../pop3/errors.ts';
import {
  createSaslMechanism,
  decodeBase64,
  encodeBase64,
  SASL_PREFERENCE,
  type SaslCredentials,
  type SaslOptions,
} from '../pop3/sasl/index.ts';
import { localError, SmtpError } from './errors.ts';

export { encodeBase64, SASL_PREFERENCE };
export type { SaslCredentials, SaslOptions };

/** One client side of one SMTP AUTH exchange; every failure is an SmtpError. */
export interface SmtpSaslMechanism {
  readonly name: string;
  start(): Promise<Uint8Array | undefined>;
  respond(challenge: Uint8Array): Promise<Uint8Array>;
  isComplete(): boolean;
}

function translate(error: unknown): unknown {
  if (error instanceof SmtpError || !(error instanceof Pop3Error)) return error;
  return localError('SMTP_SASL_FAILED', error.message, { cause: error });
}

async function guarded<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw translate(error);
  }
}

/** A fresh mechanism for `name`, or undefined when it is not one we implement. */
export function createSmtpMechanism(
  name: string,
  credentials: SaslCredentials,
  options: SaslOptions = {},
): SmtpSaslMechanism | undefined {
  const mechanism = createSaslMechanism(name, credentials, options);
  if (!mechanism) return undefined;
  return {
    name: mechanism.name,
    start: () => guarded(() => mechanism.start()),
    respond: (challenge) => guarded(() => mechanism.respond(challenge)),
    isComplete: () => mechanism.isComplete(),
  };
}

/** A 334 challenge's text as bytes (RFC 4954 §4); SMTP_SASL_FAILED when not base64. */
export function decodeChallenge(text: string): Uint8Array {
  try {
    return decodeBase64(text.trim());
  } catch (error) {
    throw translate(error);
  }
}
