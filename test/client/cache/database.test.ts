// The database upgrade from version 1 (headers and pending deletions) to 2
// (read state): what a device stored before the upgrade is still there after.

import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDatabase, DATABASE_NAME } from '../../../client/cache/database.ts';
import { createHeaderCache } from '../../../client/cache/header-cache.ts';
import { createPendingStorage } from '../../../client/cache/pending-storage.ts';
import { createReadStorage } from '../../../client/cache/read-storage.ts';
import { freshIndexedDb } from '../../support/app-stores.ts';

const ACCOUNT = 'main/alice';
const HEADER = {
  from: 'Ann',
  fromAddress: 'ann@example.org',
  subject: 'Hi',
  date: 1,
  hasAttachment: false,
};

/** A version-1 database as the previous release created and filled it. */
async function createVersionOne(): Promise<void> {
  const db = await openDB(DATABASE_NAME, 1, {
    upgrade(v1) {
      const headers = v1.createObjectStore('headers', { keyPath: ['account', 'uidl'] });
      headers.createIndex('account', 'account');
      v1.createObjectStore('pending', { keyPath: 'account' });
    },
  });
  await db.put('headers', { ...HEADER, account: ACCOUNT, uidl: 'u1' });
  await db.put('pending', { account: ACCOUNT, entries: [{ uidl: 'u2', deadline: 5 }] });
  db.close();
}

describe('database upgrade', () => {
  beforeEach(() => {
    freshIndexedDb();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('keeps headers and pending deletions and adds the read state', async () => {
    await createVersionOne();
    const database = createDatabase();
    const headers = await createHeaderCache(database).load(ACCOUNT);
    expect(headers.get('u1')).toEqual(HEADER);
    expect(await createPendingStorage(database).load(ACCOUNT)).toEqual([
      { uidl: 'u2', deadline: 5 },
    ]);
    const read = createReadStorage(database);
    expect(await read.load(ACCOUNT)).toBeUndefined();
    await read.save(ACCOUNT, ['u1'], ['u1', 'u2']);
    expect(await read.load(ACCOUNT)).toEqual({ read: ['u1'], known: ['u1', 'u2'] });
  });

  it('creates the stores a database opened without a version lacks', async () => {
    const empty = await openDB(DATABASE_NAME); // version 1, no store at all
    empty.close();
    const database = createDatabase();
    await createReadStorage(database).save(ACCOUNT, ['u1'], ['u1']);
    expect(await createReadStorage(database).load(ACCOUNT)).toEqual({
      read: ['u1'],
      known: ['u1'],
    });
    await createHeaderCache(database).save(ACCOUNT, [['u1', HEADER]]);
    expect((await createHeaderCache(database).load(ACCOUNT)).get('u1')).toEqual(HEADER);
  });

  it('keeps To and Cc of a header for search, and reads entries stored without them', async () => {
    const database = createDatabase();
    const cache = createHeaderCache(database);
    await cache.save(ACCOUNT, [
      ['u1', { ...HEADER, recipients: 'Bob bob@example.org' }],
      ['u2', HEADER],
    ]);
    const loaded = await cache.load(ACCOUNT);
    expect(loaded.get('u1')?.recipients).toBe('Bob bob@example.org');
    expect(loaded.get('u2')).toEqual(HEADER);
  });
});
