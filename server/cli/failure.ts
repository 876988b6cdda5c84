// Turns any failure of the pop3 command into a plain-words message and a
// stable exit code. Branches on error codes, never on message text.

import { Pop3Error, Pop3ReplyError } from '../../shared/pop3/errors.ts';
import { UpstreamError } from '../upstream-errors.ts';
import type { UpstreamTarget } from '../upstream.ts';
import { UsageError } from './args.ts';

export const EXIT = {
  usage: 2,
  unreachable: 3,
  tls: 4,
  auth: 5,
  busy: 6,
  server: 7,
  other: 1,
} as const;

export interface Failure {
  message: string;
  exitCode: number;
}

const TLS_WORDS: Record<string, string> = {
  UPSTREAM_TLS_SELF_SIGNED: 'the server certificate is self-signed (use --ca FILE to trust it)',
  UPSTREAM_TLS_EXPIRED: 'the server certificate has expired or is not yet valid',
  UPSTREAM_TLS_HOSTNAME: 'the server certificate does not match the host name (see --servername)',
  UPSTREAM_TLS_UNTRUSTED: 'the server certificate is not signed by a trusted CA (use --ca FILE)',
  UPSTREAM_TLS_PROTOCOL: 'TLS failed: the server does not offer TLS 1.2 or newer',
  UPSTREAM_STLS_FAILED: 'the server did not upgrade to TLS with STLS; refusing plaintext',
};

/** Describe an error for a person at a terminal. */
export function describeFailure(error: unknown, target: UpstreamTarget): Failure {
  const where = `${target.host}:${target.port}`;
  if (error instanceof UsageError) return { message: error.message, exitCode: EXIT.usage };
  if (error instanceof UpstreamError) {
    const tls = TLS_WORDS[error.code];
    if (tls) return { message: `${where}: ${tls}`, exitCode: EXIT.tls };
    if (error.code === 'UPSTREAM_BAD_GREETING') {
      return { message: `${where} did not greet like a POP3 server`, exitCode: EXIT.server };
    }
    const why = error.code === 'UPSTREAM_TIMEOUT' ? 'timed out' : 'connection failed';
    return {
      message: `cannot reach ${where}: ${why} (${error.message})`,
      exitCode: EXIT.unreachable,
    };
  }
  if (error instanceof Pop3ReplyError && error.isTransient) {
    return {
      message: `the server is busy (${error.responseCode ?? ''}): ${error.serverText}; try again later`,
      exitCode: EXIT.busy,
    };
  }
  if (error instanceof Pop3Error) {
    switch (error.code) {
      case 'POP3_AUTH_FAILED':
        return { message: 'wrong user name or password', exitCode: EXIT.auth };
      case 'POP3_NO_AUTH_MECHANISM':
      case 'POP3_SASL_FAILED':
        return { message: `sign-in failed: ${error.message}`, exitCode: EXIT.auth };
      case 'POP3_CLOSED':
        return { message: `${where} closed the connection`, exitCode: EXIT.unreachable };
      default:
        return { message: `POP3 error: ${error.message}`, exitCode: EXIT.server };
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message, exitCode: EXIT.other };
}
