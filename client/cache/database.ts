// The app's one IndexedDB database: list headers by account and UIDL, pending
// deletions (UIDLs and deadlines) and read state (UIDLs) by account. Never a
// password or a message body. Every operation fails soft: without storage the app still works.

import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { HeaderSummary } from '../mail/header-summary.ts';

export const DATABASE_NAME = 'pop3-webmail';
/** How long sign-out waits for the database to be deleted while something holds it open. */
const FORGET_WAIT_MS = 2000;
// 2 added the read state; each step only creates, so an upgrade keeps the data.
const VERSION = 2;

/** `server/username`: server ids cannot contain '/', so the key is unambiguous. */
export function accountKey(account: { server: string; username: string }): string {
  return `${account.server}/${account.username}`;
}

export interface CachedHeader extends HeaderSummary {
  /** To and Cc, for search; absent in entries stored before it was kept. */
  recipients?: string;
  account: string;
  uidl: string;
}

export interface PendingDeletion {
  uidl: string;
  /** When the Undo window ends (epoch ms); no DELE is sent before it. */
  deadline: number;
}

export interface PendingRecord {
  account: string;
  entries: PendingDeletion[];
}

/** What this device knows of an account's mailbox between visits. */
export interface ReadRecord {
  account: string;
  /** UIDLs opened or marked as read. */
  read: string[];
  /** Every UIDL listed at the last visit: anything else arrived since. */
  known: string[];
}

export interface MailSchema extends DBSchema {
  headers: { key: [string, string]; value: CachedHeader; indexes: { account: string } };
  pending: { key: string; value: PendingRecord };
  read: { key: string; value: ReadRecord };
}

export type MailDb = IDBPDatabase<MailSchema>;

export interface Database {
  /** The open database, or undefined when this browser gives us none. */
  open: () => Promise<MailDb | undefined>;
  /** "Forget this device": delete the whole database. */
  forget: () => Promise<void>;
}

/** The database over the global IndexedDB (tests install fake-indexeddb there). */
export function createDatabase(): Database {
  let opening: Promise<MailDb | undefined> | undefined;
  const open = (): Promise<MailDb | undefined> => {
    if (typeof indexedDB === 'undefined') return Promise.resolve(undefined);
    opening ??= safeOpen();
    return opening;
  };
  const safeOpen = (): Promise<MailDb | undefined> => {
    try {
      return new Promise((resolve) => {
        let isAbandoned = false;
        openDB<MailSchema>(DATABASE_NAME, VERSION, {
          upgrade(db) {
            // Each store is created when missing rather than by version number: a
            // database someone opened without a version exists at 1 with no store.
            const names = db.objectStoreNames;
            if (!names.contains('headers')) {
              const headers = db.createObjectStore('headers', { keyPath: ['account', 'uidl'] });
              headers.createIndex('account', 'account');
            }
            if (!names.contains('pending')) db.createObjectStore('pending', { keyPath: 'account' });
            if (!names.contains('read')) db.createObjectStore('read', { keyPath: 'account' });
          },
          blocked() {
            // An older connection that never lets go (a tab of the previous
            // release) must not hang the listing: this page goes without storage.
            isAbandoned = true;
            opening = undefined;
            resolve(undefined);
          },
          blocking(_current, _next, event) {
            // Another tab deletes ("Forget this device") or upgrades: let it.
            (event.target as IDBDatabase).close();
            opening = undefined;
          },
        }).then(
          (db) => {
            if (isAbandoned) db.close();
            else resolve(db);
          },
          () => resolve(undefined),
        );
      });
    } catch {
      // Storage blocked (some private modes throw synchronously).
      return Promise.resolve(undefined);
    }
  };
  return {
    open,
    async forget() {
      const db = await opening;
      db?.close();
      opening = undefined;
      if (typeof indexedDB === 'undefined') return;
      // A connection this page does not own (another program, devtools) holds the
      // delete until it closes. The request stays queued and completes then; sign-out
      // must not wait for it.
      const deleting = deleteDB(DATABASE_NAME).catch(() => undefined);
      await Promise.race([deleting, new Promise((resolve) => setTimeout(resolve, FORGET_WAIT_MS))]);
    },
  };
}
