// The session store: signs in, keeps one POP3 session per mailbox across tabs,
// reconnects with backoff when the connection drops, and hands each new session
// to the other stores. The password lives only in this closure (SECURITY.md 31).

import { signal, type ReadonlySignal } from '@preact/signals';
import {
  Pop3ProtocolError,
  type LoginOptions,
  type Pop3Session,
  type Pop3SessionOptions,
} from '../../shared/pop3/index.ts';
import type { Pop3Connection } from '../connection.ts';
import { backoffDelay } from './backoff.ts';
import { connectionCause, isCredentialFailure, isRetryable } from './errors.ts';
import type { HeldLock, TabLock } from './tab-lock.ts';

export type ConnectionStatus =
  | 'signed-out'
  | 'signing-in'
  | 'connected'
  | 'reconnecting'
  | 'offline'
  | 'locked-elsewhere'
  | 'signing-out';

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

export interface NetworkWatch {
  isOnline: () => boolean;
  onOnline: (listener: () => void) => () => void;
  /** The browser lost the network (the `offline` event). */
  onOffline?: (listener: () => void) => () => void;
}

export interface SessionStoreDeps {
  connect: (server: string, options: Pop3SessionOptions) => Pop3Connection;
  lock: TabLock;
  random?: () => number;
  now?: () => number;
  network?: NetworkWatch;
  /** SECURITY.md 39: silence for this long while a reply is awaited fails the session. */
  replyTimeoutMs?: number;
  /** How long sign-out waits for QUIT's answer. */
  quitTimeoutMs?: number;
}

export interface SessionStore {
  status: ReadonlySignal<ConnectionStatus>;
  account: ReadonlySignal<Account | undefined>;
  /** The last error worth showing (typed: see errors.ts), or undefined. */
  error: ReadonlySignal<unknown>;
  /** When the next reconnect attempt starts (epoch ms), while reconnecting. */
  retryAt: ReadonlySignal<number | undefined>;
  /** The session in TRANSACTION state, if there is one now. */
  current: () => Pop3Session | undefined;
  /**
   * SECURITY.md 32: the user asked for APOP, but the server's timestamp was
   * over 256 bytes or malformed, so the sign-in went on without APOP.
   */
  isApopIgnored: ReadonlySignal<boolean>;
  /** Resolves when connected (or another tab holds the mailbox); rejects with the typed error. */
  signIn: (account: Account, password: string, options?: LoginOptions) => Promise<void>;
  /** Take the mailbox over from the tab that holds it. */
  takeOver: () => Promise<void>;
  /**
   * QUIT (commits DELEs already sent), forget the password, release the lock.
   * Resolves to whether QUIT was answered +OK.
   */
  signOut: () => Promise<boolean>;
  /**
   * QUIT, then open a new session quietly. `onQuit` learns whether QUIT was
   * answered +OK (deletions committed) before the new session is announced.
   */
  recycle: (onQuit?: (isCommitted: boolean) => void | Promise<void>) => Promise<boolean>;
  /** Skip the backoff wait (the "Try again" button, or the browser came back online). */
  retryNow: () => void;
  /** Called for each new session, in order of registration, after login. */
  onReady: (listener: (info: ReadyInfo) => void | Promise<void>) => () => void;
}

const DEFAULT_REPLY_TIMEOUT_MS = 60_000;

function lockName(account: Account): string {
  return `${account.server}/${account.username}`;
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms))]);
}

/** Build the session store. */
export function createSessionStore(deps: SessionStoreDeps): SessionStore {
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;
  const status = signal<ConnectionStatus>('signed-out');
  const account = signal<Account | undefined>(undefined);
  const error = signal<unknown>(undefined);
  const retryAt = signal<number | undefined>(undefined);
  const listeners = new Set<(info: ReadyInfo) => void | Promise<void>>();
  const intentional = new WeakSet<Pop3Connection>();
  let password: string | undefined;
  let loginOptions: LoginOptions = {};
  const isApopIgnored = signal(false);
  let lock: HeldLock | undefined;
  let connection: Pop3Connection | undefined;
  /** The session a recycle is quitting: QUIT's answer may never come over a lost network. */
  let quitting: Pop3Connection | undefined;
  let generation = 0;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pipelining: 'auto' | 'off' = 'auto';
  let isReconnecting = false;
  // Bumped by sign-in and sign-out so a late reconnect of an old sign-in is dropped.
  let epoch = 0;

  deps.network?.onOnline(() => {
    if (status.value === 'offline' || status.value === 'reconnecting') store.retryNow();
  });
  // Chromium keeps an open WebSocket through a lost network and only holds its
  // frames: the session would read "connected" while nothing moves. Drop it;
  // its DELEs are void without QUIT's +OK and are applied again once online.
  deps.network?.onOffline?.(() => {
    quitting?.close();
    connection?.close();
  });

  const stopTimer = (): void => {
    clearTimeout(timer);
    timer = undefined;
    retryAt.value = undefined;
  };

  const drop = (conn: Pop3Connection): void => {
    intentional.add(conn);
    conn.close();
  };

  async function establish(): Promise<Pop3Connection> {
    const who = account.value;
    if (!who || password === undefined) throw new Error('not signed in');
    const conn = deps.connect(who.server, {
      pipelining,
      replyTimeoutMs: deps.replyTimeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS,
    });
    try {
      await conn.opened;
      await conn.session.login({ username: who.username, password }, loginOptions);
      const greeting = await conn.session.greeting;
      isApopIgnored.value = !!loginOptions.preferApop && greeting.hasInvalidTimestamp;
      return conn;
    } catch (failure) {
      if (conn.session.isPipeliningBroken) pipelining = 'off';
      drop(conn);
      throw failure;
    }
  }

  async function announce(info: ReadyInfo, conn: Pop3Connection): Promise<void> {
    for (const listener of [...listeners]) {
      try {
        await listener(info);
      } catch (failure) {
        // A drop mid-listing is handled by onEnded. A reply that breaks the
        // rules (a LIST with a negative size) leaves the session useless:
        // end it here and say why, rather than sit "connected" with no list.
        if (failure instanceof Pop3ProtocolError && conn === connection) {
          connection = undefined;
          drop(conn);
          scheduleReconnect(failure);
          return;
        }
      }
    }
  }

  function adopt(conn: Pop3Connection): void {
    connection = conn;
    generation++;
    attempt = 0;
    stopTimer();
    error.value = undefined;
    status.value = 'connected';
    void conn.ended.then((end) => onEnded(conn, end.error));
    void announce({ session: conn.session, generation }, conn);
  }

  function onEnded(conn: Pop3Connection, cause: unknown): void {
    if (conn.session.isPipeliningBroken) pipelining = 'off';
    if (conn !== connection) return;
    connection = undefined;
    if (intentional.has(conn)) return;
    // The session closes its transport itself on a protocol error or a
    // timeout; the connection then ends without a cause of its own.
    scheduleReconnect(cause ?? conn.session.closeReason);
  }

  function scheduleReconnect(cause: unknown): void {
    stopTimer();
    if (password === undefined) return;
    if (cause !== undefined) error.value = cause;
    if (cause !== undefined && !isRetryable(cause)) {
      status.value = 'offline';
      return;
    }
    if (deps.network && !deps.network.isOnline()) {
      status.value = 'offline';
      return;
    }
    const goingAway = connectionCause(cause)?.details.reconnectAfterMs;
    const delay = goingAway ?? backoffDelay(attempt++, random);
    status.value = 'reconnecting';
    retryAt.value = now() + delay;
    timer = setTimeout(() => void reconnect(), delay);
  }

  /**
   * Open a session for the current epoch and adopt it; a failure goes to
   * `onFailure`. A newer sign-in or sign-out (another epoch) wins: its
   * session stays, this one is dropped and its failure ignored.
   */
  async function openForEpoch(onFailure: (failure: unknown) => void): Promise<void> {
    const mine = epoch;
    try {
      const conn = await establish();
      if (mine !== epoch) return drop(conn);
      adopt(conn);
    } catch (failure) {
      if (mine !== epoch) return;
      onFailure(failure);
    }
  }

  /** A refused password signs out; anything else retries later. */
  function connectOrRetry(): Promise<void> {
    return openForEpoch((failure) => {
      if (isCredentialFailure(failure)) forget('signed-out', failure);
      else scheduleReconnect(failure);
    });
  }

  async function reconnect(): Promise<void> {
    stopTimer();
    if (password === undefined || connection || isReconnecting) return;
    isReconnecting = true;
    status.value = 'reconnecting';
    try {
      await connectOrRetry();
    } finally {
      isReconnecting = false;
    }
  }

  function forget(next: ConnectionStatus, cause: unknown): void {
    epoch++;
    stopTimer();
    lock?.release();
    lock = undefined;
    password = undefined;
    account.value = undefined;
    error.value = cause;
    status.value = next;
  }

  function watch(held: HeldLock): void {
    void held.lost.then(async () => {
      if (held !== lock) return;
      lock = undefined;
      epoch++;
      stopTimer();
      status.value = 'locked-elsewhere';
      const conn = connection;
      connection = undefined;
      if (!conn) return;
      intentional.add(conn);
      // Release the mailbox for the other tab; QUIT commits only DELEs the commit flow sent.
      await withTimeout(
        conn.session.quit().catch(() => undefined),
        deps.quitTimeoutMs ?? 5000,
      );
      conn.close();
    });
  }

  /** The first session of a sign-in: any failure signs out and reaches the caller. */
  async function connectFirst(): Promise<void> {
    status.value = 'signing-in';
    await openForEpoch((failure) => {
      forget('signed-out', failure);
      throw failure;
    });
  }

  const store: SessionStore = {
    status,
    account,
    error,
    retryAt,
    isApopIgnored,
    current: () => (connection?.session.state === 'transaction' ? connection.session : undefined),
    async signIn(who, secret, options = {}) {
      epoch++;
      stopTimer();
      account.value = who;
      password = secret;
      loginOptions = options;
      isApopIgnored.value = false;
      error.value = undefined;
      status.value = 'signing-in';
      if (!lock) {
        const acquired = await deps.lock.tryAcquire(lockName(who));
        if (!acquired) {
          status.value = 'locked-elsewhere';
          return;
        }
        lock = acquired;
        watch(acquired);
      }
      await connectFirst();
    },
    async takeOver() {
      const who = account.value;
      if (!who || password === undefined) return;
      epoch++;
      lock = await deps.lock.steal(lockName(who));
      watch(lock);
      status.value = 'signing-in';
      // The other tab may still be quitting: [IN-USE] here is transient and retried.
      await connectOrRetry();
    },
    async signOut() {
      epoch++;
      stopTimer();
      const conn = connection;
      connection = undefined;
      status.value = 'signing-out';
      let isCommitted = false;
      if (conn) {
        intentional.add(conn);
        const quit = conn.session.quit().then(
          () => (isCommitted = true),
          () => undefined,
        );
        await withTimeout(quit, deps.quitTimeoutMs ?? 5000);
        conn.close();
      }
      forget('signed-out', undefined);
      return isCommitted;
    },
    async recycle(onQuit) {
      const conn = connection;
      if (!conn || status.value !== 'connected') return false;
      connection = undefined;
      intentional.add(conn);
      let isCommitted = false;
      quitting = conn;
      try {
        await conn.session.quit();
        isCommitted = true;
      } catch {
        // Dropped before +OK: the caller keeps its deletions pending.
      }
      quitting = undefined;
      conn.close();
      await onQuit?.(isCommitted);
      const mine = epoch;
      try {
        const next = await establish();
        if (mine !== epoch) drop(next);
        else adopt(next);
      } catch (failure) {
        if (mine !== epoch) return isCommitted;
        if (isCredentialFailure(failure)) forget('signed-out', failure);
        else scheduleReconnect(failure);
      }
      return isCommitted;
    },
    retryNow() {
      if (password === undefined || connection || status.value === 'locked-elsewhere') return;
      attempt = 0;
      void reconnect();
    },
    onReady(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return store;
}
