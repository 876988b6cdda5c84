// Opens the gateway session a sign-in is about to need while the person is
// still at the form, so the WebSocket, the gateway's TLS connection, the POP3
// greeting and the pre-login CAPA are done when they press "Sign in". Sends
// no credentials: login stays with the session store, after the tab lock.

import type { Pop3SessionOptions } from '../shared/pop3/index.ts';
import type { Pop3Connection } from './connection.ts';

export interface PreconnectorDeps {
  connect: (server: string, options: Pop3SessionOptions) => Pop3Connection;
  /** What the session store asks for; a session opened otherwise is never handed over. */
  options: Pop3SessionOptions;
  /**
   * An unused session is closed after this long, far inside the pre-login
   * timeouts of POP3 servers (Dovecot: 3 min) and the gateway's idle timeout,
   * so a session handed over is never one about to be cut.
   */
  maxAgeMs?: number;
}

export interface Preconnector {
  /** Open a session to `server` unless one is already waiting for it. */
  warm: (server: string) => void;
  /**
   * The waiting session, if it is for `server`, was opened with `options` and
   * is still alive; otherwise undefined and the caller connects as usual (a
   * miss costs the time it would have saved, never a failure). Used once.
   */
  take: (server: string, options: Pop3SessionOptions) => Pop3Connection | undefined;
  /** Close the waiting session, if any. */
  discard: () => void;
}

interface Waiting {
  server: string;
  connection: Pop3Connection;
  /** Settles once the gateway opened and CAPA answered (or either failed). */
  ready: Promise<void>;
  timer: ReturnType<typeof setTimeout>;
}

const DEFAULT_MAX_AGE_MS = 30_000;

function isSameOptions(a: Pop3SessionOptions, b: Pop3SessionOptions): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof Pop3SessionOptions>;
  return [...keys].every((key) => JSON.stringify(a[key]) === JSON.stringify(b[key]));
}

/** Build a preconnector over `deps.connect`. */
export function createPreconnector(deps: PreconnectorDeps): Preconnector {
  const maxAgeMs = deps.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  let waiting: Waiting | undefined;

  const isAlive = (entry: Waiting): boolean => entry.connection.session.state !== 'closed';

  function discard(): void {
    const entry = waiting;
    if (!entry) return;
    waiting = undefined;
    clearTimeout(entry.timer);
    entry.connection.close();
  }

  return {
    warm(server) {
      if (waiting?.server === server && isAlive(waiting)) return;
      discard();
      const connection = deps.connect(server, deps.options);
      // Pop3Session keeps the pre-login capabilities, so login() sends no CAPA of its own.
      const ready = connection.opened
        .then(() => connection.session.capabilities())
        .then(
          () => undefined,
          () => undefined,
        );
      const entry: Waiting = {
        server,
        connection,
        ready,
        timer: setTimeout(() => {
          if (waiting === entry) discard();
        }, maxAgeMs),
      };
      waiting = entry;
    },
    take(server, options) {
      const entry = waiting;
      if (!entry) return undefined;
      waiting = undefined;
      clearTimeout(entry.timer);
      if (entry.server !== server || !isSameOptions(options, deps.options) || !isAlive(entry)) {
        entry.connection.close();
        return undefined;
      }
      const { connection } = entry;
      // Login waits for the CAPA already asked, rather than asking again.
      const opened = entry.ready.then(() => connection.opened);
      opened.catch(() => undefined);
      return {
        session: connection.session,
        opened,
        ended: connection.ended,
        close: () => connection.close(),
      };
    },
    discard,
  };
}
