// Opening a POP3 session through the gateway and signing in, as a SessionLink:
// the options every session is opened with (a preconnected session is handed
// over only if they match), and what the last sessions taught (pipelining
// that broke). The mailbox session uses it now, check-for-new-mail sessions
// next. Knows no retry, lock or UI.

import type { LoginOptions, Pop3Session, Pop3SessionOptions } from '../../shared/pop3/index.ts';
import type { Pop3Connection } from '../connection.ts';
import type { SessionLink } from './session-link.ts';

/** docs/security.md #39: silence for this long while a reply is awaited fails the session. */
export const REPLY_TIMEOUT_MS = 60_000;

/** A signed-in POP3 session over the gateway. */
export interface Pop3Link extends SessionLink {
  readonly session: Pop3Session;
  /**
   * docs/security.md #32: APOP was asked for, but the server's timestamp was over
   * 256 bytes or malformed, so the sign-in went on without APOP.
   */
  readonly isApopIgnored: boolean;
}

export interface Credentials {
  username: string;
  password: string;
}

export interface Pop3OpenerDeps {
  connect: (server: string, options: Pop3SessionOptions) => Pop3Connection;
  replyTimeoutMs?: number;
}

export interface Pop3Opener {
  /** Connect to `server` and log in; rejects with the typed reason, the connection closed. */
  open: (server: string, credentials: Credentials, options: LoginOptions) => Promise<Pop3Link>;
}

/**
 * The options a session is opened with. The preconnector compares its
 * session's options with these, so both sides take them from here.
 */
export function sessionOptions(
  replyTimeoutMs: number = REPLY_TIMEOUT_MS,
  pipelining: 'auto' | 'off' = 'auto',
): Pop3SessionOptions {
  return { pipelining, replyTimeoutMs };
}

/** Build an opener over `deps.connect`. */
export function createPop3Opener(deps: Pop3OpenerDeps): Pop3Opener {
  const replyTimeoutMs = deps.replyTimeoutMs ?? REPLY_TIMEOUT_MS;
  // A server whose pipelined replies came back out of step is asked one
  // command at a time from then on, or every session would break the same way.
  let pipelining: 'auto' | 'off' = 'auto';

  return {
    async open(server, credentials, options) {
      const connection = deps.connect(server, sessionOptions(replyTimeoutMs, pipelining));
      const { session } = connection;
      const ended = connection.ended.then((end) => {
        if (session.isPipeliningBroken) pipelining = 'off';
        // The session closes its transport itself on a protocol error or a
        // timeout; the connection then ends without a cause of its own.
        return end.error ?? session.closeReason;
      });
      try {
        await connection.opened;
        await session.login(credentials, options);
        const greeting = await session.greeting;
        return {
          session,
          isApopIgnored: !!options.preferApop && greeting.hasInvalidTimestamp,
          ended,
          quit: () => session.quit(),
          close: () => connection.close(),
        };
      } catch (failure) {
        connection.close();
        throw failure;
      }
    },
  };
}
