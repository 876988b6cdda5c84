// Wires the stores together: each new session is listed, then pending
// deletions are committed (commit.ts) or headers filled; sign-in (and the
// warm-up before it), sign-out, refresh. The one place that knows them all.

import { effect, signal, untracked, type ReadonlySignal, type Signal } from '@preact/signals';
import type { LoginOptions, Pop3SessionOptions } from '../../shared/pop3/index.ts';
import { accountKey, type Database } from '../cache/database.ts';
import { createHeaderCache } from '../cache/header-cache.ts';
import { createPendingStorage } from '../cache/pending-storage.ts';
import { createReadStorage } from '../cache/read-storage.ts';
import { formatListDate } from '../format.ts';
import type { Pop3Connection } from '../connection.ts';
import type { Preconnector } from '../preconnect.ts';
import type { MessageParser } from '../reader/index.ts';
import { createCommitter } from './commit.ts';
import { createKeepMailChoice } from './keep-mail.ts';
import type { I18n } from './i18n.ts';
import { createMailboxStore, type MailboxStore } from './mailbox-store.ts';
import { createPendingStore, type PendingStore } from './pending-store.ts';
import { createReaderStore, type ReaderStore } from './reader-store.ts';
import { createReadStateStore, type ReadStateStore } from './read-state.ts';
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
  readState: ReadStateStore;
  /** A Refresh is on its way (a new session and its listing). */
  isRefreshing: ReadonlySignal<boolean>;
  /** When the list was last listed from the server (epoch ms). */
  updatedAt: ReadonlySignal<number | undefined>;
  /**
   * "Keep mail on this device": when false, signing out deletes the header
   * cache, the read state and pending deletions, so nothing stays in IndexedDB.
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
  /** Delete; when the open message goes, the next one opens in its place. */
  deleteMessages: (uidls: readonly string[]) => void;
  undo: () => void;
  /** Resolves when no commit is running (tests, sign-out). */
  idle: () => Promise<void>;
}

/** Opened messages whose text search keeps, and how much of each. */
const MAX_OPENED = 200;
const MAX_SEARCH_TEXT = 100_000;

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
  // Text of messages opened in this page, for search; in memory only, since
  // the database keeps no message body.
  const openedText = signal<ReadonlyMap<string, string>>(new Map());
  const mailbox = createMailboxStore({
    cache: createHeaderCache(deps.database),
    hidden: pending.hidden,
    search: {
      dateLabel: (time) => formatListDate(time, deps.i18n.tag.value),
      bodyText: (uidl) => openedText.value.get(uidl),
    },
  });
  const reader = createReaderStore({
    mailbox,
    loadParser: deps.loadParser,
  });
  const selection = createSelectionStore(mailbox.view);
  const committer = createCommitter({ sessions: gate, pending, mailbox, now });
  const keepMail = createKeepMailChoice(deps.storage);
  const isSigningOut = signal(false);
  const readState = createReadStateStore({
    storage: createReadStorage(deps.database),
    rows: mailbox.rows,
    hidden: pending.hidden,
  });
  const isRefreshing = signal(false);
  const updatedAt = signal<number | undefined>(undefined);
  let account: string | undefined;

  // Opening a message reads it (once per opening: "Mark as unread" on the open
  // message must stick); its text joins what search looks in.
  let markedOpen: string | undefined;
  effect(() => {
    const open = reader.state.value;
    if (open?.uidl !== markedOpen) {
      markedOpen = open?.uidl;
      if (open) untracked(() => readState.markRead([open.uidl]));
    }
    if (!open) return;
    const text = open.result?.message.text;
    if (open.status !== 'ready' || !text || openedText.peek().has(open.uidl)) return;
    const next = new Map(openedText.peek());
    next.set(open.uidl, text.slice(0, MAX_SEARCH_TEXT));
    // Oldest first: a Map iterates in insertion order.
    for (const key of next.keys()) {
      if (next.size <= MAX_OPENED) break;
      next.delete(key);
    }
    openedText.value = next;
  });

  sessions.onReady(async ({ session }) => {
    if (account === undefined) return;
    // Another tab may have left deletions pending before handing the mailbox
    // over: read them while the listing runs, and before anything is deleted.
    await Promise.all([
      pending.restore(account),
      mailbox.list(session, account),
      readState.load(account),
    ]);
    readState.listed(mailbox.rows.value.map((row) => row.uidl));
    updatedAt.value = now();
    isRefreshing.value = false;
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
    await readState.settled();
    pending.reset();
    readState.reset();
    openedText.value = new Map();
    updatedAt.value = undefined;
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
    readState,
    isRefreshing,
    updatedAt,
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
      if (sessions.state.value.kind !== 'ready') {
        sessions.retryNow();
        return;
      }
      isRefreshing.value = true;
      try {
        await committer.refresh();
      } finally {
        // The new session's listing clears it (onReady); a refresh that got no
        // session must not spin for ever.
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the session may have dropped while the refresh was awaited
        if (sessions.state.value.kind !== 'ready') isRefreshing.value = false;
      }
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
      const next = selection.cursor.value;
      pending.add(chosen);
      if (open === undefined || !chosen.includes(open)) return;
      // Like Gmail: the reader moves on instead of leaving an empty pane.
      if (next !== undefined) void reader.open(next);
      else reader.close();
    },
    undo() {
      const restored = pending.undo();
      if (restored[0] !== undefined) selection.setCursor(restored[0]);
    },
    idle: () => committer.idle(),
  };
}
