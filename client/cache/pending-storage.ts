// Pending deletions kept in IndexedDB by account: UIDLs and Undo deadlines
// only. They outlive a reload, a crash or a closed tab, so a deletion the
// user chose is applied by whichever tab holds the mailbox next.

import type { Database, PendingDeletion } from './database.ts';

export interface PendingStorage {
  load: (account: string) => Promise<PendingDeletion[]>;
  /** Replace the account's pending deletions; resolves once stored (or storing failed). */
  save: (account: string, entries: readonly PendingDeletion[]) => Promise<void>;
}

/** Storage over `database`; without IndexedDB pending deletions live in memory only. */
export function createPendingStorage(database: Database): PendingStorage {
  return {
    async load(account) {
      const db = await database.open();
      try {
        const record = await db?.get('pending', account);
        return (record?.entries ?? []).filter(
          (entry) => typeof entry.uidl === 'string' && Number.isFinite(entry.deadline),
        );
      } catch {
        return [];
      }
    },
    async save(account, entries) {
      const db = await database.open();
      if (!db) return;
      try {
        if (entries.length === 0) await db.delete('pending', account);
        else await db.put('pending', { account, entries: entries.map((e) => ({ ...e })) });
      } catch {
        // Still pending in memory for this page.
      }
    },
  };
}
