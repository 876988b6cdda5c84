// Every error the SMTP layer raises, built in one place with a stable code.
// Knows nothing of sockets or UI; callers branch on `code`, never on text.

export type SmtpErrorCode =
  /** Bytes from the server that break RFC 5321 §4.2: fatal, the parser latches. */
  | 'SMTP_BAD_REPLY'
  | 'SMTP_LINE_TOO_LONG'
  | 'SMTP_TOO_MANY_LINES'
  | 'SMTP_UNEXPECTED_REPLY'
  /** Something we refuse to encode or to let through. */
  | 'SMTP_BAD_COMMAND'
  | 'SMTP_BAD_ADDRESS'
  | 'SMTP_BAD_BODY'
  | 'SMTP_UNSUPPORTED'
  /** Message bytes that a server could read differently (SMTP smuggling). */
  | 'SMTP_BARE_CR'
  | 'SMTP_BARE_LF'
  | 'SMTP_SMUGGLING'
  | 'SMTP_BAD_DOT_STUFFING'
  | 'SMTP_DATA_LINE_TOO_LONG'
  /** The gateway's rules for what a browser may send. */
  | 'SMTP_MAIL_BEFORE_AUTH'
  | 'SMTP_TOO_MANY_RECIPIENTS'
  | 'SMTP_OUT_OF_TURN'
  /** Well-formed negative replies, by what they mean to the person. */
  | 'SMTP_REPLY'
  | 'SMTP_AUTH_FAILED'
  | 'SMTP_NO_AUTH_MECHANISM'
  | 'SMTP_SASL_FAILED'
  | 'SMTP_TOO_LARGE'
  | 'SMTP_RECIPIENT_REFUSED'
  | 'SMTP_BUSY'
  /** The session itself. */
  | 'SMTP_WRONG_STATE'
  | 'SMTP_CLOSED'
  | 'SMTP_TIMEOUT';

/** Base of every SMTP-layer error. */
export class SmtpError extends Error {
  override readonly name: string = 'SmtpError';
  constructor(
    readonly code: SmtpErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The server sent bytes that break the protocol; the session is unusable. */
export class SmtpProtocolError extends SmtpError {
  override readonly name = 'SmtpProtocolError';
}

/** What a negative reply said; `enhanced` is the RFC 3463 code when sent. */
export interface ReplySummary {
  code: number;
  enhanced: string | undefined;
  text: string;
}

/** A well-formed negative reply. `command` has credentials redacted. */
export class SmtpReplyError extends SmtpError {
  override readonly name: string = 'SmtpReplyError';
  constructor(
    code: SmtpErrorCode,
    message: string,
    readonly command: string,
    readonly reply: ReplySummary,
  ) {
    super(code, message);
  }

  /** RFC 5321 §4.2.1: 4yz is a transient failure; trying later may work. */
  get isTransient(): boolean {
    return this.reply.code >= 400 && this.reply.code < 500;
  }
}

/** One recipient the server refused, and why. */
export interface RefusedRecipient {
  address: string;
  reply: ReplySummary;
}

/**
 * RCPT refused for one or more recipients (RFC 5321 §3.3): `refused` names
 * each, for the person; `command` stays redacted like every other.
 */
export class SmtpRecipientError extends SmtpReplyError {
  override readonly name = 'SmtpRecipientError';
  constructor(
    message: string,
    readonly refused: readonly RefusedRecipient[],
  ) {
    const first = refused[0];
    super(
      'SMTP_RECIPIENT_REFUSED',
      message,
      'RCPT TO:<…>',
      first?.reply ?? { code: 550, enhanced: undefined, text: '' },
    );
  }
}

/** Build a fatal protocol error. */
export function protocolError(code: SmtpErrorCode, message: string): SmtpProtocolError {
  return new SmtpProtocolError(code, message);
}

/** Build a local (non-protocol) error: bad arguments, bad body, wrong state, closed. */
export function localError(
  code: SmtpErrorCode,
  message: string,
  options?: { cause?: unknown },
): SmtpError {
  return new SmtpError(code, message, options);
}
