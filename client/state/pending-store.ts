// Pending deletions by UIDL: an Undo window of at least five seconds before
// any DELE, DELE only after the UIDL check in the current session, and pending
// until QUIT answers +OK. Stored (UIDLs only) so a reload or a drop loses none.

import { computed, signal, type ReadonlySignal } from '@preact/signals';
import {
  isPseudoUidl,
  Pop3Error,
  Pop3ReplyError,
  type Pop3Session,
} from '../../shared/pop3/index.ts';
import type { PendingDeletion } from '../cache/database.ts';
import type { PendingStorage } from '../cache/pending-storage.ts';

/** waiting: Undo is open; due: the window passed; sent: DELE +OK, QUIT not yet answered. */
export type PendingState = 'waiting' | 'due' | 'sent';

export interface PendingEntry extends PendingDeletion {
  state: PendingState;
  /** Entries deleted by one action share a batch; Undo restores the latest batch. */
  batch: number;
}

export interface ApplyResult {
  /** DELE answered +OK in this session; committed by the next QUIT. */
  sent: string[];
  /** Not in this session's mailbox: already deleted (a QUIT whose +OK we missed). */
  gone: string[];
}

export interface PendingStoreDeps {
  storage: PendingStorage;
  /** The Undo window; never below five seconds in the app. */
  undoMs?: number;
  now?: () => number;
}

export interface PendingStore {
  entries: ReadonlySignal<readonly PendingEntry[]>;
  /** Every pending UIDL: the list leaves these out. */
  hidden: ReadonlySignal<ReadonlySet<string>>;
  canUndo: ReadonlySignal<boolean>;
  /** Set when the server refused a DELE or cannot check UIDLs; cleared by the next action. */
  lastError: ReadonlySignal<unknown>;
  /**
   * Load what an earlier page (or the tab that held the mailbox before) left
   * pending; entries already known here are kept as they are.
   */
  restore: (account: string) => Promise<void>;
  add: (uidls: readonly string[]) => void;
  /** Restore the latest batch still in its Undo window; returns its UIDLs. */
  undo: () => string[];
  hasDue: () => boolean;
  /** When the last open Undo window ends (epoch ms), if one is open. */
  waitingUntil: () => number | undefined;
  /**
   * DELE every due entry in `session`, each after `session.dele`'s check that
   * the number still names that UIDL. Throws if the session drops.
   */
  apply: (
    session: Pick<Pop3Session, 'dele'>,
    numberOf: (uidl: string) => number | undefined,
  ) => Promise<ApplyResult>;
  /** QUIT answered +OK: these are deleted on the server. */
  committed: (uidls: readonly string[]) => void;
  /** The session ended before QUIT's +OK: DELEs sent are void (RFC 1939 §6), apply them again. */
  sessionLost: () => void;
  onDue: (listener: () => void) => () => void;
  /** Resolves once every change so far is stored. */
  settled: () => Promise<void>;
  /** Sign-out: forget in memory (storage keeps what was not committed). */
  reset: () => void;
}

/** Build the pending-deletions store. */
export function createPendingStore(deps: PendingStoreDeps): PendingStore {
  const undoMs = Math.max(5000, deps.undoMs ?? 6000);
  const now = deps.now ?? Date.now;
  const entries = signal<readonly PendingEntry[]>([]);
  const lastError = signal<unknown>(undefined);
  const hidden = computed(() => new Set(entries.value.map((entry) => entry.uidl)));
  const canUndo = computed(() => entries.value.some((entry) => entry.state === 'waiting'));
  const listeners = new Set<() => void>();
  let account: string | undefined;
  let batches = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let saving: Promise<void> = Promise.resolve();

  function persist(): void {
    if (account === undefined) return;
    const key = account;
    const snapshot = entries.value.map(({ uidl, deadline }) => ({ uidl, deadline }));
    // Chained: an older snapshot never lands after a newer one.
    saving = saving.then(() => deps.storage.save(key, snapshot));
  }

  function update(next: readonly PendingEntry[]): void {
    entries.value = next;
    persist();
    arm();
  }

  function arm(): void {
    clearTimeout(timer);
    timer = undefined;
    const waiting = entries.value.filter((entry) => entry.state === 'waiting');
    if (waiting.length === 0) return;
    // One timer for the latest deadline: every batch gets at least its own window.
    const latest = Math.max(...waiting.map((entry) => entry.deadline));
    timer = setTimeout(fire, Math.max(0, latest - now()));
  }

  function fire(): void {
    timer = undefined;
    const time = now();
    let isChanged = false;
    const next = entries.value.map((entry) => {
      if (entry.state !== 'waiting' || entry.deadline > time) return entry;
      isChanged = true;
      return { ...entry, state: 'due' as const };
    });
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set inside the map() callback above
    if (!isChanged) return arm();
    entries.value = next;
    arm();
    for (const listener of [...listeners]) listener();
  }

  const store: PendingStore = {
    entries,
    hidden,
    canUndo,
    lastError,
    async restore(key) {
      account = key;
      // Our own writes land first, so an Undo here is never undone by a stale read.
      await saving;
      const stored = await deps.storage.load(key);
      const known = new Set(entries.value.map((entry) => entry.uidl));
      const time = now();
      const restored = stored
        .filter((entry) => !known.has(entry.uidl))
        .map((entry) => ({
          ...entry,
          batch: ++batches,
          state: entry.deadline > time ? ('waiting' as const) : ('due' as const),
        }));
      if (restored.length === 0) return;
      entries.value = [...entries.value, ...restored];
      arm();
    },
    add(uidls) {
      const known = hidden.value;
      const fresh = [...new Set(uidls)].filter((uidl) => !known.has(uidl) && !isPseudoUidl(uidl));
      if (fresh.length === 0) return;
      lastError.value = undefined;
      const batch = ++batches;
      const deadline = now() + undoMs;
      update([
        ...entries.value,
        ...fresh.map((uidl) => ({ uidl, deadline, batch, state: 'waiting' as const })),
      ]);
    },
    undo() {
      const waiting = entries.value.filter((entry) => entry.state === 'waiting');
      if (waiting.length === 0) return [];
      const batch = Math.max(...waiting.map((entry) => entry.batch));
      const restored = waiting.filter((entry) => entry.batch === batch).map((entry) => entry.uidl);
      update(entries.value.filter((entry) => entry.state !== 'waiting' || entry.batch !== batch));
      return restored;
    },
    hasDue: () => entries.value.some((entry) => entry.state === 'due'),
    waitingUntil() {
      const waiting = entries.value.filter((entry) => entry.state === 'waiting');
      return waiting.length === 0 ? undefined : Math.max(...waiting.map((entry) => entry.deadline));
    },
    async apply(session, numberOf) {
      // The user's choice is on disk before the server hears of it.
      await saving;
      const due = entries.value.filter((entry) => entry.state === 'due');
      const gone = due.filter((entry) => numberOf(entry.uidl) === undefined).map((e) => e.uidl);
      const present = due.flatMap(({ uidl }) => {
        const msg = numberOf(uidl);
        return msg === undefined ? [] : [{ uidl, msg }];
      });
      // allSettled, except that each outcome keeps the uidl it is about.
      const outcomes = await Promise.all(
        present.map(({ uidl, msg }) =>
          session.dele(msg, uidl).then(
            () => ({ uidl, status: 'fulfilled' as const }),
            (reason: unknown) => ({ uidl, status: 'rejected' as const, reason }),
          ),
        ),
      );
      const sent: string[] = [];
      const refused: string[] = [];
      let broken: Error | undefined;
      outcomes.forEach((outcome) => {
        const { uidl } = outcome;
        const reason: unknown = outcome.status === 'rejected' ? outcome.reason : undefined;
        if (outcome.status === 'fulfilled') sent.push(uidl);
        else if (reason instanceof Pop3Error && reason.code === 'POP3_UNEXPECTED_REPLY') {
          // The number names another message now: no DELE went out. Stays due for a
          // session whose listing is fresh.
        } else if (
          reason instanceof Pop3ReplyError ||
          (reason instanceof Pop3Error && reason.code === 'POP3_UNSUPPORTED')
        ) {
          // The server refused, or has no UIDL to check against: never retried blindly.
          refused.push(uidl);
          lastError.value = reason;
        } else broken ??= reason instanceof Error ? reason : new Error('DELE failed');
      });
      const drop = new Set([...gone, ...refused]);
      const marked = new Set(sent);
      update(
        entries.value
          .filter((entry) => !drop.has(entry.uidl))
          .map((entry) => (marked.has(entry.uidl) ? { ...entry, state: 'sent' as const } : entry)),
      );
      if (broken !== undefined) throw broken;
      return { sent, gone };
    },
    committed(uidls) {
      const done = new Set(uidls);
      update(entries.value.filter((entry) => !done.has(entry.uidl)));
    },
    sessionLost() {
      if (!entries.value.some((entry) => entry.state === 'sent')) return;
      entries.value = entries.value.map((entry) =>
        entry.state === 'sent' ? { ...entry, state: 'due' as const } : entry,
      );
    },
    settled: () => saving,
    onDue(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reset() {
      clearTimeout(timer);
      timer = undefined;
      account = undefined;
      lastError.value = undefined;
      entries.value = [];
    },
  };
  return store;
}
