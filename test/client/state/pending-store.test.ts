// The pending-deletions store on its own: the Undo window (never under five
// seconds), DELE only for due entries and only through the session's UIDL
// check, what a refusal, a shifted number or a drop does to an entry, and
// what is stored (UIDLs and deadlines, before any DELE goes out).

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PendingDeletion } from '../../../client/cache/database.ts';
import type { PendingStorage } from '../../../client/cache/pending-storage.ts';
import { createPendingStore } from '../../../client/state/pending-store.ts';
import { Pop3Error, Pop3ReplyError } from '../../../shared/pop3/index.ts';

const ACCOUNT = 'main/alice';

/** Storage in memory that logs every save, in order. */
function memoryStorage(initial: PendingDeletion[] = []) {
  const stored = new Map<string, readonly PendingDeletion[]>([[ACCOUNT, initial]]);
  const log: string[] = [];
  const storage: PendingStorage = {
    load: (account) => Promise.resolve([...(stored.get(account) ?? [])]),
    save(account, entries) {
      log.push(`save ${entries.map((entry) => entry.uidl).join(',')}`);
      stored.set(account, entries);
      return Promise.resolve();
    },
  };
  return { storage, stored, log };
}

/** A session whose dele() answers per UIDL: ok, or the given error. */
function fakeSession(log: string[], failures: Record<string, Error> = {}) {
  return {
    dele: vi.fn((msg: number, uidl: string) => {
      log.push(`DELE ${msg} ${uidl}`);
      const failure = failures[uidl];
      return failure ? Promise.reject(failure) : Promise.resolve();
    }),
  };
}

const NUMBERS: Record<string, number> = { u1: 1, u2: 2, u3: 3, u4: 4 };
const numberOf = (uidl: string): number | undefined => NUMBERS[uidl];
const uidls = (store: ReturnType<typeof createPendingStore>) =>
  store.entries.value.map((entry) => `${entry.uidl}:${entry.state}`);

async function build(initial: PendingDeletion[] = [], undoMs?: number) {
  const world = memoryStorage(initial);
  const store = createPendingStore({ storage: world.storage, undoMs });
  await store.restore(ACCOUNT);
  return { ...world, store };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('pending store', () => {
  it('hides what is added and stores UIDLs with deadlines, never `#n` or a duplicate', async () => {
    const { store, stored } = await build();
    store.add(['u2', 'u2', '#3']);
    store.add(['u2']);
    expect([...store.hidden.value]).toEqual(['u2']);
    await store.settled();
    expect(stored.get(ACCOUNT)).toEqual([{ uidl: 'u2', deadline: Date.now() + 6000 }]);
  });

  it('keeps the Undo window at five seconds at least, then says the entry is due', async () => {
    const { store } = await build([], 1000);
    const due = vi.fn();
    store.onDue(due);
    store.add(['u1']);
    await vi.advanceTimersByTimeAsync(4999);
    expect(store.hasDue()).toBe(false);
    expect(due).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(store.hasDue()).toBe(true);
    expect(due).toHaveBeenCalledOnce();
    expect(store.canUndo.value).toBe(false);
  });

  it('Undo restores the latest batch still in its window, and nothing once due', async () => {
    const { store } = await build();
    store.add(['u1']);
    await vi.advanceTimersByTimeAsync(1000);
    store.add(['u2', 'u3']);
    expect(store.undo()).toEqual(['u2', 'u3']);
    expect(uidls(store)).toEqual(['u1:waiting']);
    await vi.advanceTimersByTimeAsync(6000);
    expect(store.undo()).toEqual([]);
    expect(uidls(store)).toEqual(['u1:due']);
  });

  it('applies due entries only, each DELE naming its UIDL, after the choice is stored', async () => {
    const { store, log } = await build();
    store.add(['u1', 'u3']);
    await vi.advanceTimersByTimeAsync(6000);
    store.add(['u4']); // still in its Undo window
    const session = fakeSession(log);
    await expect(store.apply(session, numberOf)).resolves.toEqual({ sent: ['u1', 'u3'], gone: [] });
    expect(log.filter((line) => line.startsWith('DELE'))).toEqual(['DELE 1 u1', 'DELE 3 u3']);
    expect(log.indexOf('save u1,u3,u4')).toBeLessThan(log.indexOf('DELE 1 u1'));
    // Sent, not committed: still hidden until QUIT answers.
    expect(uidls(store)).toEqual(['u1:sent', 'u3:sent', 'u4:waiting']);
  });

  it('drops an entry this session does not list: deleted by a QUIT whose answer was lost', async () => {
    const { store, log } = await build([{ uidl: 'gone-uidl', deadline: 0 }]);
    await expect(store.apply(fakeSession(log), numberOf)).resolves.toEqual({
      sent: [],
      gone: ['gone-uidl'],
    });
    expect(store.entries.value).toEqual([]);
    expect(log.some((line) => line.startsWith('DELE'))).toBe(false);
  });

  it('keeps an entry due when its number names another message now (no DELE went out)', async () => {
    const { store, log } = await build([{ uidl: 'u2', deadline: 0 }]);
    const shifted = new Pop3Error('POP3_UNEXPECTED_REPLY', 'message 2 is no longer u2');
    await store.apply(fakeSession(log, { u2: shifted }), numberOf);
    expect(uidls(store)).toEqual(['u2:due']);
    expect(store.lastError.value).toBeUndefined();
  });

  it('gives up on an entry the server refused, and says why', async () => {
    const refused = new Pop3ReplyError('POP3_ERR', 'no', 'DELE 2', undefined, 'no');
    const { store, log } = await build([
      { uidl: 'u1', deadline: 0 },
      { uidl: 'u2', deadline: 0 },
    ]);
    const result = await store.apply(fakeSession(log, { u2: refused }), numberOf);
    expect(result.sent).toEqual(['u1']);
    expect(uidls(store)).toEqual(['u1:sent']);
    expect(store.lastError.value).toBe(refused);
  });

  it('never retries blindly in a mailbox whose UIDLs cannot be checked', async () => {
    const unsupported = new Pop3Error('POP3_UNSUPPORTED', 'no UIDL');
    const { store, log } = await build([{ uidl: 'u1', deadline: 0 }]);
    await store.apply(fakeSession(log, { u1: unsupported }), numberOf);
    expect(store.entries.value).toEqual([]);
    expect(store.lastError.value).toBe(unsupported);
  });

  it('a session dropped mid-DELE throws; sessionLost makes the sent entries due again', async () => {
    const dropped = new Pop3Error('POP3_CLOSED', 'closed');
    const { store, log } = await build([
      { uidl: 'u1', deadline: 0 },
      { uidl: 'u2', deadline: 0 },
    ]);
    await expect(store.apply(fakeSession(log, { u2: dropped }), numberOf)).rejects.toBe(dropped);
    expect(uidls(store)).toEqual(['u1:sent', 'u2:due']);
    store.sessionLost();
    expect(uidls(store)).toEqual(['u1:due', 'u2:due']);
  });

  it('committed forgets the entries, in memory and in storage', async () => {
    const { store, stored, log } = await build([
      { uidl: 'u1', deadline: 0 },
      { uidl: 'u2', deadline: 0 },
    ]);
    await store.apply(fakeSession(log), numberOf);
    store.committed(['u1']);
    await store.settled();
    expect(uidls(store)).toEqual(['u2:sent']);
    expect(stored.get(ACCOUNT)?.map((entry) => entry.uidl)).toEqual(['u2']);
  });

  it('restores what an earlier page left: past deadlines due, later ones waiting', async () => {
    const { store } = await build([
      { uidl: 'u1', deadline: Date.now() - 1 },
      { uidl: 'u2', deadline: Date.now() + 3000 },
    ]);
    expect(uidls(store)).toEqual(['u1:due', 'u2:waiting']);
    await vi.advanceTimersByTimeAsync(3000);
    expect(uidls(store)).toEqual(['u1:due', 'u2:due']);
  });

  it('a second restore keeps entries already known here as they are', async () => {
    const { store } = await build();
    store.add(['u1']);
    store.undo(); // stored as empty before the read
    await store.restore(ACCOUNT);
    expect(store.entries.value).toEqual([]);
  });

  it('reset forgets in memory and leaves storage to the next sign-in', async () => {
    const { store, stored } = await build([{ uidl: 'u3', deadline: 0 }]);
    store.reset();
    expect(store.entries.value).toEqual([]);
    expect(stored.get(ACCOUNT)).toEqual([{ uidl: 'u3', deadline: 0 }]);
  });
});
