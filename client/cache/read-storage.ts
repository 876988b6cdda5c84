// Read state kept in IndexedDB by account: which UIDLs were read and which were
// listed at the last visit. UIDLs only, never a header or a body; like the
// header cache it lives only as long as "Keep mail on this device" allows.

import type { Database, ReadRecord } from './database.ts';

export interface ReadStorage {
  /** The account's record; undefined on a device that has never seen the mailbox. */
  load: (account: string) => Promise<Omit<ReadRecord, 'account'> | undefined>;
  save: (account: string, read: Iterable<string>, known: Iterable<string>) => Promise<void>;
}

const isStrings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** Storage over `database`; every failure reads as "never seen" and writes are best effort. */
export function createReadStorage(database: Database): ReadStorage {
  return {
    async load(account) {
      const db = await database.open();
      try {
        const record = await db?.get('read', account);
        // A record written by a newer or broken build must not throw in the list.
        if (!record || !isStrings(record.read) || !isStrings(record.known)) return undefined;
        return { read: record.read, known: record.known };
      } catch {
        return undefined;
      }
    },
    async save(account, read, known) {
      const db = await database.open();
      if (!db) return;
      try {
        await db.put('read', { account, read: [...read], known: [...known] });
      } catch {
        // Quota or a closed database: read state lasts as long as the page.
      }
    },
  };
}
