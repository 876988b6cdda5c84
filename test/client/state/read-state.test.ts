// The read-state store on its own: everything unread on a device that never saw
// the mailbox, marks kept by UIDL, "new since the last visit", the unread count
// without pending deletions, and what reaches storage (UIDLs only, in order).

import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import type { ReadStorage } from '../../../client/cache/read-storage.ts';
import { createReadStateStore } from '../../../client/state/read-state.ts';

const ACCOUNT = 'main/alice';

function memoryStorage(initial?: { read: string[]; known: string[] }) {
  const stored = new Map<string, { read: string[]; known: string[] }>();
  if (initial) stored.set(ACCOUNT, initial);
  const saves: string[] = [];
  const storage: ReadStorage = {
    load: (account) => Promise.resolve(stored.get(account)),
    save(account, read, known) {
      const record = { read: [...read].sort(), known: [...known].sort() };
      saves.push(`read=${record.read.join(',')} known=${record.known.join(',')}`);
      stored.set(account, record);
      return Promise.resolve();
    },
  };
  return { storage, stored, saves };
}

function build(initial?: { read: string[]; known: string[] }) {
  const memory = memoryStorage(initial);
  const rows = signal<{ uidl: string }[]>([]);
  const hidden = signal<ReadonlySet<string>>(new Set());
  const store = createReadStateStore({ storage: memory.storage, rows, hidden });
  const list = (uidls: string[]): void => {
    rows.value = uidls.map((uidl) => ({ uidl }));
    store.listed(uidls);
  };
  return { ...memory, rows, hidden, store, list };
}

describe('read state', () => {
  it('counts every message unread, and none new, on a device that never saw the mailbox', async () => {
    const { store, list } = build();
    await store.load(ACCOUNT);
    list(['u1', 'u2', 'u3']);
    expect(store.unreadCount.value).toBe(3);
    expect([...store.fresh.value]).toEqual([]);
  });

  it('marks read and unread by UIDL and stores each change in order', async () => {
    const { store, list, saves } = build();
    await store.load(ACCOUNT);
    list(['u1', 'u2', 'u3']);
    store.markRead(['u1', 'u2']);
    store.markUnread(['u2']);
    store.markUnread(['u3']); // already unread: no write
    await store.settled();
    expect(store.unreadCount.value).toBe(2);
    expect([...store.read.value]).toEqual(['u1']);
    expect(saves).toEqual([
      'read= known=u1,u2,u3',
      'read=u1,u2 known=u1,u2,u3',
      'read=u1 known=u1,u2,u3',
    ]);
  });

  it('brings back the marks of the last visit and marks what arrived since as new', async () => {
    const { store, list } = build({ read: ['u1'], known: ['u1', 'u2'] });
    await store.load(ACCOUNT);
    list(['u1', 'u2', 'u3', 'u4']);
    expect([...store.read.value]).toEqual(['u1']);
    expect([...store.fresh.value]).toEqual(['u3', 'u4']);
    expect(store.unreadCount.value).toBe(3);
    // Reading a new message takes its "new" mark away; a refresh adds the next arrivals.
    store.markRead(['u3']);
    expect([...store.fresh.value]).toEqual(['u4']);
    list(['u1', 'u2', 'u3', 'u4', 'u5']);
    expect([...store.fresh.value]).toEqual(['u4', 'u5']);
  });

  it('does not count pending deletions, and forgets marks of messages gone from the server', async () => {
    const { store, list, hidden, stored } = build({ read: ['u1', 'gone'], known: ['u1', 'gone'] });
    await store.load(ACCOUNT);
    list(['u1', 'u2', 'u3']);
    hidden.value = new Set(['u2']);
    expect(store.unreadCount.value).toBe(1);
    await store.settled();
    expect(stored.get(ACCOUNT)).toEqual({ read: ['u1'], known: ['u1', 'u2', 'u3'] });
  });

  it('keeps a session without UIDL in memory and leaves the stored record alone', async () => {
    const { store, list, stored, saves } = build({ read: ['u1'], known: ['u1', 'u2'] });
    await store.load(ACCOUNT);
    // Numbers change between sessions: "#1" is not a name the next visit can use.
    list(['#1', '#2']);
    store.markRead(['#1']);
    await store.settled();
    expect(store.unreadCount.value).toBe(1);
    expect(saves).toEqual([]);
    expect(stored.get(ACCOUNT)).toEqual({ read: ['u1'], known: ['u1', 'u2'] });
  });

  it('reset forgets the marks in memory', async () => {
    const { store, list } = build({ read: ['u1'], known: ['u1'] });
    await store.load(ACCOUNT);
    list(['u1']);
    store.reset();
    expect(store.read.value.size).toBe(0);
    expect(store.fresh.value.size).toBe(0);
  });
});
