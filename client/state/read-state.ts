// Read and unread by UIDL, and which messages arrived since the last visit.
// Kept on the device through ReadStorage, so it lasts as long as "Keep mail on
// this device" keeps the database; knows no session and no view.

import { computed, signal, type ReadonlySignal } from '@preact/signals';
import { isPseudoUidl } from '../../shared/pop3/index.ts';
import type { ReadStorage } from '../cache/read-storage.ts';

export interface ReadStateDeps {
  storage: ReadStorage;
  /** Every listed UIDL, in any order. */
  rows: ReadonlySignal<readonly { uidl: string }[]>;
  /** Pending deletions: not counted as unread. */
  hidden: ReadonlySignal<ReadonlySet<string>>;
}

export interface ReadStateStore {
  /** UIDLs opened or marked as read. Everything else listed is unread. */
  read: ReadonlySignal<ReadonlySet<string>>;
  /** Listed UIDLs that were not there at the last visit (none on a first visit). */
  fresh: ReadonlySignal<ReadonlySet<string>>;
  unreadCount: ReadonlySignal<number>;
  /** Read the account's record; call before the first `listed`. */
  load: (account: string) => Promise<void>;
  /** A listing landed: note what is new since the last one and remember this one. */
  listed: (uidls: readonly string[]) => void;
  markRead: (uidls: readonly string[]) => void;
  markUnread: (uidls: readonly string[]) => void;
  /** Resolves once every change so far is stored. */
  settled: () => Promise<void>;
  /** Sign-out: forget in memory (storage keeps what keep-mail allows). */
  reset: () => void;
}

/** Build the read-state store. */
export function createReadStateStore(deps: ReadStateDeps): ReadStateStore {
  const read = signal<ReadonlySet<string>>(new Set());
  const fresh = signal<ReadonlySet<string>>(new Set());
  const unreadCount = computed(() => {
    const seen = read.value;
    const gone = deps.hidden.value;
    return deps.rows.value.reduce(
      (n, row) => n + (seen.has(row.uidl) || gone.has(row.uidl) ? 0 : 1),
      0,
    );
  });
  let account: string | undefined;
  let loading: Promise<void> | undefined;
  /** UIDLs of the previous listing; undefined on a device that never listed this mailbox. */
  let known: ReadonlySet<string> | undefined;
  let saving: Promise<void> = Promise.resolve();
  let isVolatile = false;

  function persist(): void {
    if (account === undefined || known === undefined || isVolatile) return;
    const key = account;
    const readNow = [...read.value].filter((uidl) => !isPseudoUidl(uidl));
    const knownNow = [...known];
    // Chained: an older snapshot never lands after a newer one.
    saving = saving.then(() => deps.storage.save(key, readNow, knownNow));
  }

  function change(uidls: readonly string[], isRead: boolean): void {
    const next = new Set(read.value);
    let isChanged = false;
    for (const uidl of uidls) {
      if (next.has(uidl) === isRead) continue;
      if (isRead) next.add(uidl);
      else next.delete(uidl);
      isChanged = true;
    }
    if (!isChanged) return;
    read.value = next;
    if (isRead && uidls.some((uidl) => fresh.value.has(uidl))) {
      fresh.value = new Set([...fresh.value].filter((uidl) => !next.has(uidl)));
    }
    persist();
  }

  return {
    read,
    fresh,
    unreadCount,
    load(who) {
      if (who === account && loading) return loading;
      account = who;
      known = undefined;
      loading = deps.storage.load(who).then((record) => {
        if (account !== who || !record) return;
        read.value = new Set([...read.value, ...record.read]);
        known = new Set(record.known);
      });
      return loading;
    },
    listed(uidls) {
      // A session without UIDL numbers its rows per session: those marks live in
      // memory only, and must not overwrite what the device knows by UIDL.
      if (uidls.some(isPseudoUidl)) {
        isVolatile = true;
        return;
      }
      isVolatile = false;
      const before = known;
      const now = new Set(uidls);
      if (before !== undefined) {
        const arrived = uidls.filter((uidl) => !before.has(uidl) && !read.value.has(uidl));
        const still = [...fresh.value].filter((uidl) => now.has(uidl));
        fresh.value = new Set([...still, ...arrived]);
      }
      known = now;
      // Read marks of deleted messages would only grow the record.
      read.value = new Set([...read.value].filter((uidl) => now.has(uidl)));
      persist();
    },
    markRead: (uidls) => change(uidls, true),
    markUnread: (uidls) => change(uidls, false),
    settled: () => saving,
    reset() {
      account = undefined;
      isVolatile = false;
      loading = undefined;
      known = undefined;
      read.value = new Set();
      fresh.value = new Set();
    },
  };
}
