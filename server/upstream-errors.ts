// What can go wrong on the way to a POP3 or submission server, as stable codes: Node's TLS
// and socket errors mapped per phase (connect, handshake, greeting, STLS, STARTTLS, XCLIENT).

import type { UpstreamErrorCode } from '../shared/bridge/messages.ts';

export type { UpstreamErrorCode };

export type UpstreamPhase = 'connect' | 'greeting' | 'stls' | 'starttls' | 'xclient' | 'handshake';

/** Every failure of this layer; branch on `code`, never on the message. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly code: UpstreamErrorCode,
    message: string,
    readonly phase: UpstreamPhase,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The one factory of this layer. */
export function upstreamError(
  code: UpstreamErrorCode,
  message: string,
  phase: UpstreamPhase,
  cause?: unknown,
): UpstreamError {
  return new UpstreamError(code, message, phase, cause === undefined ? undefined : { cause });
}

// OpenSSL's verify results as Node reports them in `err.code`.
const TLS_CODES: Record<string, UpstreamErrorCode> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'UPSTREAM_TLS_SELF_SIGNED',
  SELF_SIGNED_CERT_IN_CHAIN: 'UPSTREAM_TLS_SELF_SIGNED',
  CERT_HAS_EXPIRED: 'UPSTREAM_TLS_EXPIRED',
  CERT_NOT_YET_VALID: 'UPSTREAM_TLS_EXPIRED',
  ERR_TLS_CERT_ALTNAME_INVALID: 'UPSTREAM_TLS_HOSTNAME',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'UPSTREAM_TLS_UNTRUSTED',
  UNABLE_TO_GET_ISSUER_CERT: 'UPSTREAM_TLS_UNTRUSTED',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'UPSTREAM_TLS_UNTRUSTED',
  CERT_UNTRUSTED: 'UPSTREAM_TLS_UNTRUSTED',
  CERT_REJECTED: 'UPSTREAM_TLS_UNTRUSTED',
  CERT_REVOKED: 'UPSTREAM_TLS_UNTRUSTED',
  CERT_SIGNATURE_FAILURE: 'UPSTREAM_TLS_UNTRUSTED',
  INVALID_CA: 'UPSTREAM_TLS_UNTRUSTED',
  INVALID_PURPOSE: 'UPSTREAM_TLS_UNTRUSTED',
  PATH_LENGTH_EXCEEDED: 'UPSTREAM_TLS_UNTRUSTED',
};

/** Map a socket error seen during `phase` to a stable code. */
export function classifySocketError(err: unknown, phase: UpstreamPhase): UpstreamError {
  const code = (err as { code?: unknown } | null)?.code;
  const text = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string') {
    const mapped = TLS_CODES[code];
    if (mapped) return upstreamError(mapped, `TLS verification failed: ${text}`, phase, err);
    // OpenSSL handshake failures: version too old, no shared cipher, bad record.
    if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
      return upstreamError('UPSTREAM_TLS_PROTOCOL', `TLS handshake failed: ${text}`, phase, err);
    }
  }
  if (phase === 'connect') {
    return upstreamError('UPSTREAM_CONNECT_FAILED', `cannot connect: ${text}`, phase, err);
  }
  if (phase === 'handshake') {
    // A server that hangs up mid-handshake (e.g. it only speaks TLS 1.0) is a
    // TLS failure for the user, not a generic disconnect.
    return upstreamError('UPSTREAM_TLS_PROTOCOL', `TLS handshake failed: ${text}`, phase, err);
  }
  return upstreamError('UPSTREAM_CLOSED', `connection failed: ${text}`, phase, err);
}
