// Every error of the browser↔gateway wire layer, built in one place with a
// stable `BRIDGE_*` code. Knows nothing of sockets; never throws out of a
// decoder: callers get the error as a value.

export type BridgeErrorCode =
  /** A control message that is not valid JSON, has unknown fields or the wrong version. */
  | 'BRIDGE_BAD_MESSAGE'
  /** A client line over the length limit (checked before the line is complete). */
  | 'BRIDGE_LINE_TOO_LONG'
  /** A client line that is not a well-formed POP3 command: bare CR/LF, NUL, bad arguments. */
  | 'BRIDGE_LINE_REJECTED'
  /** A verb the browser may never send: STLS, XCLIENT, unknown verbs. */
  | 'BRIDGE_VERB_FORBIDDEN'
  /** The server's bytes could not be followed during AUTHORIZATION. */
  | 'BRIDGE_SERVER_PROTOCOL';

/** Base of this layer's errors; branch on `code`. Messages never quote a secret. */
export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  constructor(
    readonly code: BridgeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The one factory of this layer. */
export function bridgeError(code: BridgeErrorCode, message: string): BridgeError {
  return new BridgeError(code, message);
}
