// The mailbox session: who is signed in, the tab lock (one POP3 session per
// mailbox across tabs), and a session-lifecycle.ts over pop3-link.ts that
// keeps one POP3 session open and hands each new one to the other stores.
// The password lives only in this closure (docs/security.md #31).

import { computed, signal, type ReadonlySignal } from '@preact/signals';
import {
  Pop3ProtocolError,
  type LoginOptions,
  type Pop3Session,
  type Pop3SessionOptions,
} from '../../shared/pop3/index.ts';
import type { Pop3Connection } from '../connection.ts';
import { backoffDelay } from './backoff.ts';
import type { LinkState } from './connection-machine.ts';
import { connectionCause, isCredentialFailure, isRetryable } from './errors.ts';
import { createPop3Opener, type Pop3Link } from './pop3-link.ts';
import { createSessionLifecycle, type NetworkWatch } from './session-lifecycle.ts';
import type { HeldLock, TabLock } from './tab-lock.ts';

export type { NetworkWatch } from './session-lifecycle.ts';

/** The mailbox connection's state; `kind` is what views branch on. */
export type MailboxState = LinkState<Pop3Link>;

/** Who is signed in; never the password. */
export interface Account {
  server: string;
  username: string;
}

export interface ReadyInfo {
  session: Pop3Session;
  /** Counts sessions since sign-in; 1 for the first. */
  generation: number;
}

export interface SessionStoreDeps {
  connect: (server: string, options: Pop3SessionOptions) => Pop3Connection;
  lock: TabLock;
  random?: () => number;
  now?: () => number;
  network?: NetworkWatch;
  replyTimeoutMs?: number;
  /** How long ending a session waits for QUIT's answer. */
  quitTimeoutMs?: number;
}

export interface SessionStore {
  state: ReadonlySignal<MailboxState>;
  account: ReadonlySignal<Account | undefined>;
  /** The last error worth showing (typed: see errors.ts), or undefined. */
  error: ReadonlySignal<unknown>;
  /** When the next reconnect attempt starts (epoch ms), while waiting to reconnect. */
  retryAt: ReadonlySignal<number | undefined>;
  /** The session in TRANSACTION state, if there is one now. */
  current: () => Pop3Session | undefined;
  /** docs/security.md #32: see Pop3Link.isApopIgnored. */
  isApopIgnored: ReadonlySignal<boolean>;
  /** Resolves when ready (or another tab holds the mailbox); rejects with the typed error. */
  signIn: (account: Account, password: string, options?: LoginOptions) => Promise<void>;
  /** Take the mailbox over from the tab that holds it. */
  takeOver: () => Promise<void>;
  /**
   * QUIT (commits DELEs already sent), forget the password, release the lock.
   * Resolves to whether QUIT was answered +OK.
   */
  signOut: () => Promise<boolean>;
  /** Skip the backoff wait (the "Try again" button, or the browser came back online). */
  retryNow: () => void;
  /** Called for each new session, in order of registration, after login. */
  onReady: (listener: (info: ReadyInfo) => void | Promise<void>) => () => void;
}

/** What a commit (commit.ts) needs of the mailbox session, and no view does. */
export interface CommitGate {
  current: () => Pop3Session | undefined;
  /** Take the ready session out of service to QUIT it; undefined if there is none. */
  beginCommit: () => Pop3Link | undefined;
  /** QUIT is over: open the next session. */
  reopen: () => void;
  /** Resolves once no session is being opened. */
  settled: () => Promise<void>;
  signOut: () => Promise<boolean>;
}

function lockName(account: Account): string {
  return `${account.server}/${account.username}`;
}

/** Build the mailbox session store, and the gate its commits go through. */
export function createSessionStore(deps: SessionStoreDeps): {
  sessions: SessionStore;
  gate: CommitGate;
} {
  const random = deps.random ?? Math.random;
  const opener = createPop3Opener({ connect: deps.connect, replyTimeoutMs: deps.replyTimeoutMs });
  const account = signal<Account | undefined>(undefined);
  const isApopIgnored = signal(false);
  let password: string | undefined;
  let loginOptions: LoginOptions = {};
  let lock: HeldLock | undefined;

  const lifecycle = createSessionLifecycle<Pop3Link>({
    async open() {
      const who = account.value;
      if (!who || password === undefined) throw new Error('not signed in');
      const link = await opener.open(
        who.server,
        { username: who.username, password },
        loginOptions,
      );
      isApopIgnored.value = link.isApopIgnored;
      return link;
    },
    policy: {
      isCredentialFailure,
      isRetryable,
      requestedDelay: (error) => connectionCause(error)?.details.reconnectAfterMs,
      backoff: (retries) => backoffDelay(retries, random),
    },
    isBroken: (error) => error instanceof Pop3ProtocolError,
    onForget() {
      lock?.release();
      lock = undefined;
      password = undefined;
      account.value = undefined;
    },
    network: deps.network,
    now: deps.now,
    quitTimeoutMs: deps.quitTimeoutMs,
  });
  const { state } = lifecycle;

  /** Hold `held` for this sign-in; a tab that takes it over gets the session ended for it. */
  function hold(held: HeldLock): void {
    lock = held;
    // A lock released here never reports lost (tab-lock.ts), so this is always the live one.
    void held.lost.then(() => lifecycle.handOver());
  }

  const current = (): Pop3Session | undefined => {
    const session = lifecycle.current()?.session;
    return session?.state === 'transaction' ? session : undefined;
  };

  const sessions: SessionStore = {
    state,
    account,
    error: computed(() => {
      const now = state.value;
      return 'error' in now ? now.error : undefined;
    }),
    retryAt: computed(() => {
      const now = state.value;
      return now.kind === 'reconnecting' ? now.retryAt : undefined;
    }),
    current,
    isApopIgnored,
    async signIn(who, secret, options = {}) {
      account.value = who;
      password = secret;
      loginOptions = options;
      isApopIgnored.value = false;
      if (!lock) {
        const acquired = await deps.lock.tryAcquire(lockName(who));
        if (!acquired) {
          lifecycle.lockRefused();
          return;
        }
        hold(acquired);
      }
      await lifecycle.signIn();
    },
    async takeOver() {
      const who = account.value;
      if (!who || password === undefined || state.value.kind !== 'held-elsewhere') return;
      hold(await deps.lock.steal(lockName(who)));
      // The other tab may still be quitting: [IN-USE] here is transient and retried.
      await lifecycle.takeOver();
    },
    signOut: () => lifecycle.signOut(),
    retryNow: () => lifecycle.retryNow(),
    onReady: (listener) =>
      lifecycle.onReady((link, generation) => listener({ session: link.session, generation })),
  };
  const gate: CommitGate = {
    current,
    beginCommit: () => lifecycle.beginCommit(),
    reopen: () => lifecycle.reopen(),
    settled: () => lifecycle.settled(),
    signOut: () => lifecycle.signOut(),
  };
  return { sessions, gate };
}
