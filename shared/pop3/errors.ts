// Every error the POP3 layer raises, built in one place with a stable code.
// Knows nothing of sockets or UI; callers branch on `code`, never on text.

import {
  errMeaning,
  isTransientErr,
  type ErrMeaning,
  type Pop3ResponseCode,
} from './response-codes.ts';

export type { Pop3ResponseCode } from './response-codes.ts';

export type Pop3ErrorCode =
  /** Bytes we cannot parse as POP3: fatal, the parser latches. */
  | 'POP3_BAD_STATUS'
  | 'POP3_LINE_TOO_LONG'
  | 'POP3_RESPONSE_TOO_LARGE'
  | 'POP3_UNEXPECTED_REPLY'
  | 'POP3_BAD_LISTING'
  | 'POP3_PIPELINING_BROKEN'
  /** A command we refuse to encode. */
  | 'POP3_BAD_COMMAND'
  | 'POP3_QUEUE_FULL'
  /** A well-formed -ERR. */
  | 'POP3_ERR'
  | 'POP3_AUTH_FAILED'
  | 'POP3_NO_AUTH_MECHANISM'
  | 'POP3_SASL_FAILED'
  | 'POP3_UNSUPPORTED'
  | 'POP3_CLOSED'
  | 'POP3_TIMEOUT';

/** Base of every POP3-layer error. */
export class Pop3Error extends Error {
  override readonly name: string = 'Pop3Error';
  constructor(
    readonly code: Pop3ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The server sent bytes that break the protocol; the session is unusable. */
export class Pop3ProtocolError extends Pop3Error {
  override readonly name = 'Pop3ProtocolError';
}

/**
 * A well-formed `-ERR` reply. `command` has credentials redacted; `responseCode`
 * is the bracketed RFC 2449/3206 code when the server sent one.
 */
export class Pop3ReplyError extends Pop3Error {
  override readonly name = 'Pop3ReplyError';
  constructor(
    code: Pop3ErrorCode,
    message: string,
    readonly command: string,
    readonly responseCode: Pop3ResponseCode | undefined,
    readonly serverText: string,
  ) {
    super(code, message);
  }

  /** What the response code says this refusal means (response-codes.ts decides). */
  get meaning(): ErrMeaning {
    return errMeaning(this.responseCode);
  }

  /** Busy or a passing fault: the same request later may succeed. */
  get isTransient(): boolean {
    return isTransientErr(this.responseCode);
  }
}

/** Build a fatal protocol error. */
export function protocolError(code: Pop3ErrorCode, message: string): Pop3ProtocolError {
  return new Pop3ProtocolError(code, message);
}

/** Build a local (non-protocol) error: bad arguments, wrong state, closed. */
export function localError(
  code: Pop3ErrorCode,
  message: string,
  options?: { cause?: unknown },
): Pop3Error {
  return new Pop3Error(code, message, options);
}
