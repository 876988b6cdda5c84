// Every error the POP3 layer raises, built in one place with a stable code.
// Knows nothing of sockets or UI; callers branch on `code`, never on text.

/** Response codes of RFC 2449 §8 and RFC 3206, as sent in brackets after -ERR. */
export type Pop3ResponseCode =
  'IN-USE' | 'LOGIN-DELAY' | 'SYS/TEMP' | 'SYS/PERM' | 'AUTH' | (string & {});

export type Pop3ErrorCode =
  /** Bytes we cannot parse as POP3: fatal, the parser latches. */
  | 'POP3_BAD_STATUS'
  | 'POP3_LINE_TOO_LONG'
  | 'POP3_RESPONSE_TOO_LARGE'
  | 'POP3_UNEXPECTED_REPLY'
  | 'POP3_BAD_LISTING'
  | 'POP3_BAD_GREETING'
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
  | 'POP3_WRONG_STATE'
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

  /**
   * IN-USE, LOGIN-DELAY and SYS/TEMP mean "busy, try later" (RFC 2449 §8.1,
   * RFC 3206 §4), never "wrong password".
   */
  get isTransient(): boolean {
    return (
      this.responseCode === 'IN-USE' ||
      this.responseCode === 'LOGIN-DELAY' ||
      this.responseCode === 'SYS/TEMP'
    );
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
