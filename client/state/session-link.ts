// An open, signed-in session of any protocol as the stores see it, and the one
// way to end one: QUIT, a bounded wait for its answer, then close. Sign-out, a
// commit and handing the mailbox to another tab all end sessions here, and so
// will check-for-new-mail and SMTP sessions. Knows no protocol or socket.

/** How long ending a session waits for QUIT's answer before closing anyway. */
export const QUIT_TIMEOUT_MS = 5000;

/** A signed-in session: POP3 now (pop3-link.ts), SMTP next. */
export interface SessionLink {
  /**
   * Resolves once, when the connection is over: with why it ended, or
   * undefined when this side closed it. Never rejects.
   */
  readonly ended: Promise<unknown>;
  /** Ask the server to end the session (QUIT); resolves on its positive answer. */
  quit: () => Promise<unknown>;
  /** Drop the connection at once; idempotent. */
  close: () => void;
}

/**
 * QUIT, wait at most `timeoutMs` for the answer, then close. Resolves to
 * whether QUIT was answered positively (for POP3: the DELEs of the session
 * are committed, RFC 1939 §6). Never rejects. A late +OK after the timeout
 * counts as no answer: deletions stay pending and the next session finds
 * them gone, which is safe; the reverse would not be.
 */
export async function endSession(
  link: SessionLink,
  timeoutMs: number = QUIT_TIMEOUT_MS,
): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const isAnswered = await Promise.race([
    link.quit().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
  ]);
  clearTimeout(timer);
  link.close();
  return isAnswered;
}
