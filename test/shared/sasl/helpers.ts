// Helpers for the SASL tests: text ↔ bytes and pinning a POP3_SASL_FAILED rejection.

import { expect } from 'vitest';
import { Pop3Error } from '../../../shared/pop3/errors.ts';
import { decodeBase64, encodeBase64 } from '../../../shared/pop3/sasl/index.ts';

export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (data: Uint8Array | undefined): string => new TextDecoder().decode(data);
export const fromBase64 = (b64: string): Uint8Array => decodeBase64(b64);
export const toBase64 = (data: Uint8Array | undefined): string =>
  encodeBase64(data ?? new Uint8Array());

/** Await `promise`, expect a Pop3Error POP3_SASL_FAILED, and return it for more checks. */
export async function expectSaslFailure(promise: Promise<unknown>): Promise<Pop3Error> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(Pop3Error);
  expect((error as Pop3Error).code).toBe('POP3_SASL_FAILED');
  return error as Pop3Error;
}

/** Run `action`, expect it to throw Pop3Error POP3_SASL_FAILED, and return the error. */
export function expectSaslThrow(action: () => unknown): Pop3Error {
  let error: unknown;
  try {
    action();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(Pop3Error);
  expect((error as Pop3Error).code).toBe('POP3_SASL_FAILED');
  return error as Pop3Error;
}
