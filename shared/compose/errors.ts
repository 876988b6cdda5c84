// Every error the message builder raises, built in one place with a stable
// code. Knows nothing of the UI; callers branch on `code`, never on text.

export type ComposeErrorCode =
  /** An address the person typed is not an RFC 5321 mailbox; `entry` names it. */
  | 'COMPOSE_BAD_ADDRESS'
  /** A message with no To, Cc or Bcc recipient. */
  | 'COMPOSE_NO_RECIPIENTS'
  /** A header value that cannot be written (a message-id with spaces, a CR in it). */
  | 'COMPOSE_BAD_HEADER'
  /** An attachment's media type is not RFC 2045 §5.1 `type/subtype`. */
  | 'COMPOSE_BAD_CONTENT_TYPE';

/** Base of every compose-layer error. */
export class ComposeError extends Error {
  override readonly name = 'ComposeError';
  constructor(
    readonly code: ComposeErrorCode,
    message: string,
    /** The entry at fault as the person wrote it, when there is one. */
    readonly entry?: string,
  ) {
    super(message);
  }
}

/** Build a compose error. */
export function composeError(
  code: ComposeErrorCode,
  message: string,
  entry?: string,
): ComposeError {
  return new ComposeError(code, message, entry);
}
