// Wires the stores together: each new session is listed, then pending
// deletions are applied or headers filled; the commit flow (DELE, QUIT, quiet
// reconnect); sign-in, sign-out, refresh. The one place that knows them all.

import { signal, type ReadonlySignal, type Signal } from '@preact/signals';
import type { LoginOptions, Pop3SessionOptions } from '../../shared/pop3/index.ts';
import { accountKey, type Database } from '../cache/database.ts';
import { createHeaderCache } from '../cache/header-cache.ts';
import { createPendingStorage } from '../cache/pending-storage.ts';
import type { Pop3Connection } from '../connection.ts';
import type { MessageParser } from '../reader/index.ts';
import type { I18n } from './i18n.ts';
import { createMailboxStore, type MailboxStore } from './mailbox-store.ts';
import { createPendingStore, type PendingStore } from './pending-store.ts';
import { createReaderStore, type ReaderStore } from './reader-store.ts';
import { createSelectionStore, type SelectionStore } from './selection-store.ts';
import { createSessionStore, type NetworkWatch, type SessionStore } from './session-store.ts';
import type { TabLock } from './tab-lock.ts';

export interface AppDeps {
  i18n: I18n;
  connect: (server: string, options: Pop3SessionOptions) => Pop3Connection;
  lock: TabLock;
  database: Database;
  loadParser: () => Promise<MessageParser>;
  network?: NetworkWatch;
  now?: () => number;
  undoMs?: number;
  replyTimeoutMs?: number;
}

export interface AppStore {
  i18n: I18n;
  sessions: SessionStore;
  mailbox: MailboxStore;
  pending: PendingStore;
  reader: ReaderStore;
  selection: SelectionStore;
  /** "Forget this device" on sign out: delete the header cache and pending deletions. */
  forgetOnSignOut: Signal<boolean>;
  /** Sign-out is waiting for an Undo window or a commit to finish. */
  isSigningOut: ReadonlySignal<boolean>;
  signIn: (
    server: string,
    username: string,
    password: string,
    options?: LoginOptions,
  ) => Promise<void>;
  signOut: () => Promise<void>;
  /** A new session, to see new mail (POP3 lists a snapshot taken at login). */
  refresh: () => Promise<void>;
  deleteMessages: (uidls: readonly string[]) => void;
  undo: () => void;
  /** Resolves when no commit is running (tests, sign-out). */
  idle: () => Promise<void>;
}

/** Build every store and wire them. */
export function createAppStore(deps: AppDeps): AppStore {
  const now = deps.now ?? Date.now;
  const sessions = createSessionStore({
    connect: deps.connect,
    lock: deps.lock,
    network: deps.network,
    now,
    replyTimeoutMs: deps.replyTimeoutMs,
  });
  const pending = createPendingStore({
    storage: createPendingStorage(deps.database),
    undoMs: deps.undoMs,
    now,
  });
  const mailbox = createMailboxStore({
    cache: createHeaderCache(deps.database),
    hidden: pending.hidden,
  });
  const reader = createReaderStore({
    mailbox,
    loadParser: deps.loadParser,
  });
  const selection = createSelectionStore(mailbox.view);
  const forgetOnSignOut = signal(false);
  const isSigningOut = signal(false);
  let committing: Promise<void> | undefined;
  let isCommitWanted = false;
  let account: string | undefined;

  async function runCommit(): Promise<void> {
    const session = sessions.current();
    // Numbers come from this session's own listing, or we wait for one.
    if (!session || mailbox.listedSession() !== session) return;
    mailbox.pause();
    let sent: string[];
    try {
      ({ sent } = await pending.apply(session, mailbox.numberOf));
    } catch {
      // Dropped mid-DELE: RFC 1939 §6, nothing is deleted without QUIT. The next session re-applies.
      pending.sessionLost();
      return;
    }
    if (sent.length === 0) {
      void mailbox.fillHeaders(session);
      return;
    }
    await sessions.recycle((isCommitted) => {
      if (!isCommitted) return pending.sessionLost();
      pending.committed(sent);
      mailbox.remove(sent);
    });
  }

  function commit(): Promise<void> {
    if (committing) {
      // Deletions fell due (or a session arrived) mid-commit: run once more after it.
      isCommitWanted = true;
      return committing;
    }
    committing = runCommit().finally(() => {
      committing = undefined;
      if (!isCommitWanted) return;
      isCommitWanted = false;
      if (pending.hasDue()) void commit();
    });
    return committing;
  }

  sessions.onReady(async ({ session }) => {
    if (account === undefined) return;
    // Another tab may have left deletions pending before handing the mailbox
    // over: read them while the listing runs, and before anything is deleted.
    await Promise.all([pending.restore(account), mailbox.list(session, account)]);
    reader.resume();
    if (pending.hasDue()) await commit();
    else void mailbox.fillHeaders(session);
  });
  pending.onDue(() => void commit());

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

  async function finishAndSignOut(): Promise<void> {
    // The Undo window stays open until it ends; then the deletions go out with QUIT.
    const until = pending.waitingUntil();
    if (until !== undefined) await sleep(until - now());
    await committing;
    const session = sessions.current();
    let sent: string[] = [];
    if (pending.hasDue() && session && mailbox.listedSession() === session) {
      try {
        ({ sent } = await pending.apply(session, mailbox.numberOf));
      } catch {
        pending.sessionLost();
      }
    }
    const isCommitted = await sessions.signOut();
    // Anything not confirmed stays stored and is applied (or found gone) at the next sign-in.
    if (isCommitted) pending.committed(sent);
    await pending.settled();
    pending.reset();
    reader.close();
    selection.clear();
    mailbox.reset();
    account = undefined;
    if (forgetOnSignOut.value) await deps.database.forget();
  }

  return {
    i18n: deps.i18n,
    sessions,
    mailbox,
    pending,
    reader,
    selection,
    forgetOnSignOut,
    isSigningOut,
    async signIn(server, username, password, options) {
      account = accountKey({ server, username });
      mailbox.prepare(account);
      // Read pending deletions while the connection opens (onReady awaits the
      // restore too, before anything is deleted).
      const restoring = pending.restore(account).catch(() => undefined);
      try {
        await sessions.signIn({ server, username }, password, options);
      } catch (error) {
        account = undefined;
        pending.reset();
        throw error;
      }
      await restoring;
    },
    async signOut() {
      isSigningOut.value = true;
      try {
        await finishAndSignOut();
      } finally {
        isSigningOut.value = false;
      }
    },
    async refresh() {
      if (sessions.status.value !== 'connected') return sessions.retryNow();
      if (committing) return committing;
      if (pending.hasDue()) return commit();
      mailbox.pause();
      await sessions.recycle();
    },
    deleteMessages(uidls) {
      if (mailbox.isReadOnly.value) return;
      const chosen = uidls.filter((uidl) => mailbox.row(uidl) !== undefined);
      if (chosen.length === 0) return;
      selection.skipPast(chosen);
      const open = reader.state.value?.uidl;
      if (open !== undefined && chosen.includes(open)) reader.close();
      pending.add(chosen);
    },
    undo() {
      const restored = pending.undo();
      if (restored[0] !== undefined) selection.setCursor(restored[0]);
    },
    idle: async () => {
      while (committing) await committing;
    },
  };
}
