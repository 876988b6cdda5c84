// Errors of the demo server's own API (bad options at start), built in one
// place with a stable code. Refusals on the wire are -ERR replies, never these.

export type DemoServerErrorCode =
  /** `host` is not a loopback IP address: the demo server must never face a network. */
  | 'DEMO_NOT_LOOPBACK'
  /** An option is malformed (port, users, mailbox, faults, capabilities). */
  | 'DEMO_BAD_OPTION';

/** Thrown (as a rejection of startDemoServer) for options the demo server refuses. */
export class DemoServerError extends Error {
  override readonly name = 'DemoServerError';
  constructor(
    readonly code: DemoServerErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Build a DemoServerError. */
export function demoError(code: DemoServerErrorCode, message: string): DemoServerError {
  return new DemoServerError(code, message);
}
