// The header cache: list summaries by server, user and UIDL, so signing in
// again shows the list at once and fetches only new UIDLs. A UIDL names the
// same message for good (RFC 1939 §7), which is what makes this safe.

import type { HeaderSummary } from '../mail/header-summary.ts';
import type { CachedHeader, Database } from './database.ts';

/** A list summary with the recipients a search looks in. */
type Summary = HeaderSummary & { recipients?: string };

export interface HeaderCache {
  load: (account: string) => Promise<Map<string, Summary>>;
  save: (account: string, entries: readonly (readonly [string, Summary])[]) => Promise<void>;
  /** Drop entries of UIDLs no longer in the mailbox. */
  retain: (account: string, uidls: ReadonlySet<string>) => Promise<void>;
}

function summary(entry: CachedHeader): Summary {
  const { from, fromAddress, subject, date, hasAttachment, recipients } = entry;
  const base = { from, fromAddress, subject, date, hasAttachment };
  return typeof recipients === 'string' ? { ...base, recipients } : base;
}

/** A cache over `database`; every failure reads as a miss. */
export function createHeaderCache(database: Database): HeaderCache {
  return {
    async load(account) {
      const db = await database.open();
      const map = new Map<string, Summary>();
      if (!db) return map;
      try {
        for (const entry of await db.getAllFromIndex('headers', 'account', account)) {
          map.set(entry.uidl, summary(entry));
        }
      } catch {
        // A miss costs a TOP; nothing else.
      }
      return map;
    },
    async save(account, entries) {
      const db = await database.open();
      if (!db || entries.length === 0) return;
      try {
        const tx = db.transaction('headers', 'readwrite');
        for (const [uidl, header] of entries) void tx.store.put({ ...header, account, uidl });
        await tx.done;
      } catch {
        // Quota or a closed database: the list still works, uncached.
      }
    },
    async retain(account, uidls) {
      const db = await database.open();
      if (!db) return;
      try {
        const keys = await db.getAllKeysFromIndex('headers', 'account', account);
        const stale = keys.filter(([, uidl]) => !uidls.has(uidl));
        if (stale.length === 0) return;
        const tx = db.transaction('headers', 'readwrite');
        for (const key of stale) void tx.store.delete(key);
        await tx.done;
      } catch {
        // Stale entries only cost space.
      }
    },
  };
}
