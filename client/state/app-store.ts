// Wires the stores together: each new session is listed, then pending
// deletions are committed (commit.ts) or headers filled; sign-in (and the
// warm-up before it), sign-out, refresh. The one place that knows them all.

import { effect, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import type { LoginOptions, Pop3SessionOptions } from '../../shared/pop3/index.ts';
import { accountKey, type Database } from '../cache/database.ts';
import { createHeaderCache } from '../cache/header-cache.ts';
import { createPendingStorage } from '../cache/pending-storage.ts';
import type { Pop3Connection } from '../connection.ts';
import type { Preconnector } from '../preconnect.ts';
import type { MessageParser } from '../reader/index.ts';
import { createCommitter } from './commit.ts';
import { createKeepMailChoice } from './keep-mail.ts';
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
  /** Where the device remembers "Keep mail on this device" (localStorage). */
  storage?: Storage;
  /** The session opened while someone is at the sign-in form (client/preconnect.ts). */
  preconnect?: Pick<Preconnector, 'warm' | 'discard'>;
}

export interface AppStore {
  i18n: I18n;
  sessions: SessionStore;
  mailbox: MailboxStore;
  pending: PendingStore;
  reader: ReaderStore;
  selection: SelectionStore;
  /**
   * "Keep mail on this device": when false, signing out deletes the header
   * cache and pending deletions, so nothing stays in IndexedDB.
   */
  keepMail: Signal<boolean>;
  /** Sign-out is waiting for an Undo window or a commit to finish. */
  isSigningOut: ReadonlySignal<boolean>;
  signIn: (
    server: string,
    username: string,
    password: string,
    options?: LoginOptions,
  ) => Promise<void>;
  signOut: () => Promise<void>;
  /**
   * Someone at the sign-in form is about to sign in to `server`: open the
   * session now, so the connection and greeting are not waited for after
   * "Sign in"; with `username` (they are past it), read that account's cached
   * headers too, which after "Sign in" would compete with login.
   */
  prepareSignIn: (server: string, username?: string) => void;
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
  const { sessions, gate } = createSessionStore({
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
  const committer = createCommitter({ sessions: gate, pending, mailbox, now });
  const keepMail = createKeepMailChoice(deps.storage);
  const isSigningOut = signal(false);
  let account: string | undefined;

  sessions.onReady(async ({ session }) => {
    if (account === undefined) return;
    // Another tab may have left deletions pending before handing the mailbox
    // over: read them while the listing runs, and before anything is deleted.
    await Promise.all([pending.restore(account), mailbox.list(session, account)]);
    reader.resume();
    if (pending.hasDue()) await committer.commit();
    else void mailbox.fillHeaders(session);
  });
  pending.onDue(() => void committer.commit());

  // A session opened at the sign-in form waits only while someone may still sign in.
  const { preconnect } = deps;
  if (preconnect) {
    effect(() => {
      const { kind } = sessions.state.value;
      if (kind !== 'signed-out' && kind !== 'connecting') preconnect.discard();
    });
  }

  async function finishAndSignOut(): Promise<void> {
    await committer.finish();
    await pending.settled();
    pending.reset();
    reader.close();
    selection.clear();
    mailbox.reset();
    account = undefined;
    if (!keepMail.value) {
      await mailbox.saved();
      await deps.database.forget();
    }
  }

  return {
    i18n: deps.i18n,
    sessions,
    mailbox,
    pending,
    reader,
    selection,
    keepMail,
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
      if (sessions.state.value.kind !== 'ready') return sessions.retryNow();
      await committer.refresh();
    },
    prepareSignIn(server, username) {
      if (sessions.state.value.kind !== 'signed-out') return;
      deps.preconnect?.warm(server);
      if (username) mailbox.prepare(accountKey({ server, username }));
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
    idle: () => committer.idle(),
  };
}
