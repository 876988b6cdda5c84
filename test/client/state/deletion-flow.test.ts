// Pending deletions end to end over the fake mailbox: Undo before the deadline
// sends nothing; a commit sends DELE after the session's UIDL check, then QUIT;
// a drop before QUIT's +OK re-applies in the next session; shifted numbers
// still delete exactly the chosen UIDL; a reload keeps what is pending.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionError } from '../../../client/connection.ts';
import { FakeMailbox, sampleMessages } from '../../support/app-fake-pop3.ts';
import {
  advance,
  buildApp,
  freshIndexedDb,
  until,
  useAppFakeTimers,
} from '../../support/app-stores.ts';

async function signedIn(mailbox: FakeMailbox) {
  const app = buildApp(mailbox);
  await app.store.signIn('main', 'alice', 'secret');
  await until(() => app.store.mailbox.isListed.value, 'listing');
  await until(() => !app.store.mailbox.progress.value.isLoading, 'headers');
  return app.store;
}

const deles = (log: readonly string[]): string[] => log.filter((line) => line.startsWith('DELE'));

beforeEach(() => {
  freshIndexedDb();
  useAppFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('pending deletions', () => {
  it('Undo within the window sends no DELE and restores the row', async () => {
    const mailbox = new FakeMailbox(sampleMessages(10));
    const store = await signedIn(mailbox);
    store.deleteMessages(['u3']);
    expect(store.mailbox.view.value.map((row) => row.uidl)).not.toContain('u3');
    expect(store.pending.canUndo.value).toBe(true);
    await advance(4900);
    expect(deles(mailbox.log)).toEqual([]);
    store.undo();
    expect(store.mailbox.view.value.map((row) => row.uidl)).toContain('u3');
    await advance(20_000);
    expect(deles(mailbox.log)).toEqual([]);
    expect(mailbox.log).not.toContain('QUIT');
    expect(mailbox.uidls()).toHaveLength(10);
  });

  it('waits at least five seconds, then DELE after the UIDL check, QUIT and a quiet reconnect', async () => {
    const mailbox = new FakeMailbox(sampleMessages(10));
    const store = await signedIn(mailbox);
    const first = mailbox.last;
    store.deleteMessages(['u3', 'u7']);
    await advance(5000);
    expect(deles(mailbox.log)).toEqual([]);
    await advance(2000);
    await until(
      () => mailbox.connections.length === 2 && store.mailbox.isListed.value,
      'reconnect',
    );
    await store.idle();
    // In the session that deleted: UIDL (the check's map) before DELE, then QUIT.
    const commands = first.server.commands;
    expect(commands.indexOf('UIDL')).toBeLessThan(commands.indexOf('DELE 3'));
    expect(commands.slice(-3)).toEqual(['DELE 3', 'DELE 7', 'QUIT']);
    expect(mailbox.uidls()).toEqual(['u1', 'u2', 'u4', 'u5', 'u6', 'u8', 'u9', 'u10']);
    expect(store.pending.entries.value).toEqual([]);
    expect(store.sessions.state.value.kind).toBe('ready');
    expect(store.mailbox.rows.value.map((row) => row.uidl)).not.toContain('u3');
  });

  it('a drop between DELE and QUIT deletes nothing and re-applies in the next session', async () => {
    const mailbox = new FakeMailbox(sampleMessages(6));
    const store = await signedIn(mailbox);
    let drops = 0;
    mailbox.hook = (line) => {
      if (line !== 'QUIT' || drops > 0) return undefined;
      drops++;
      // The gateway restarts: this connection drops and the next attempt fails too.
      mailbox.failNext.push(
        new ConnectionError('CONNECTION_UNREACHABLE', 'down', { isRetryable: true }),
      );
      return 'drop';
    };
    store.deleteMessages(['u2']);
    await advance(6100);
    await until(() => drops === 1, 'the drop');
    // RFC 1939 §6: without QUIT's +OK nothing was deleted, and u2 is still pending.
    expect(mailbox.uidls()).toContain('u2');
    expect(store.pending.entries.value.map((entry) => entry.uidl)).toEqual(['u2']);
    expect(store.mailbox.view.value.map((row) => row.uidl)).not.toContain('u2');
    expect(store.sessions.state.value.kind).toBe('reconnecting');
    await advance(3000);
    await until(() => !mailbox.uidls().includes('u2'), 're-applied deletion');
    await until(() => store.pending.entries.value.length === 0, 'pending cleared');
    expect(mailbox.uidls()).toEqual(['u1', 'u3', 'u4', 'u5', 'u6']);
    expect(deles(mailbox.log)).toEqual(['DELE 2', 'DELE 2']);
  });

  it('going offline while QUIT awaits its answer keeps the deletion, applied once online', async () => {
    const mailbox = new FakeMailbox(sampleMessages(4));
    let isOnline = true;
    let wake: () => void = () => undefined;
    let lose: () => void = () => undefined;
    const { store } = buildApp(mailbox, {
      network: {
        isOnline: () => isOnline,
        onOnline: (listener) => ((wake = listener), () => undefined),
        onOffline: (listener) => ((lose = listener), () => undefined),
      },
    });
    await store.signIn('main', 'alice', 'secret');
    await until(() => store.mailbox.isListed.value, 'listing');
    // The network goes while QUIT is on its way: its answer never comes.
    mailbox.hook = (line) => (line === 'QUIT' ? '' : undefined);
    store.deleteMessages(['u2']);
    await advance(6100);
    await until(() => mailbox.log.includes('QUIT'), 'QUIT sent');
    mailbox.hook = undefined;
    isOnline = false;
    mailbox.failNext.push(
      new ConnectionError('CONNECTION_UNREACHABLE', 'offline', { isRetryable: true }),
    );
    lose();
    await until(() => store.sessions.state.value.kind === 'lost', 'offline');
    expect(mailbox.uidls()).toContain('u2');
    expect(store.pending.entries.value.map((entry) => entry.uidl)).toEqual(['u2']);
    isOnline = true;
    wake();
    await until(() => !mailbox.uidls().includes('u2'), 're-applied deletion');
    await until(() => store.pending.entries.value.length === 0, 'pending cleared');
    expect(mailbox.uidls()).toEqual(['u1', 'u3', 'u4']);
    expect(deles(mailbox.log)).toEqual(['DELE 2', 'DELE 2']);
  });

  it('deletes exactly the chosen UIDL when message numbers shifted', async () => {
    const mailbox = new FakeMailbox(sampleMessages(10));
    const store = await signedIn(mailbox);
    store.deleteMessages(['u5']); // message 5 in this session
    // Before the window ends the connection drops and another client deletes u1 and u2.
    mailbox.last.drop();
    mailbox.messages = mailbox.messages.filter((m) => m.uidl !== 'u1' && m.uidl !== 'u2');
    await advance(8000);
    await until(() => !mailbox.uidls().includes('u5'), 'deletion');
    await store.idle();
    // u5 is message 3 now; message 5 (u7) is untouched.
    expect(deles(mailbox.log)).toEqual(['DELE 3']);
    expect(mailbox.uidls()).toEqual(['u3', 'u4', 'u6', 'u7', 'u8', 'u9', 'u10']);
  });

  it('a reload keeps pending deletions (UIDLs in IndexedDB) and applies them', async () => {
    const mailbox = new FakeMailbox(sampleMessages(4));
    const before = await signedIn(mailbox);
    before.deleteMessages(['u4']);
    await advance(100);
    // The page goes away: the socket closes without QUIT.
    mailbox.last.drop();
    before.sessions.retryNow = () => undefined;

    const after = buildApp(mailbox).store;
    await after.signIn('main', 'alice', 'secret');
    expect(after.pending.entries.value.map((entry) => entry.uidl)).toEqual(['u4']);
    await until(() => after.mailbox.isListed.value, 'listing');
    expect(after.mailbox.view.value.map((row) => row.uidl)).not.toContain('u4');
    await advance(7000);
    await until(() => !mailbox.uidls().includes('u4'), 'deletion after reload');
    expect(mailbox.uidls()).toEqual(['u1', 'u2', 'u3']);
  });

  it('refuses to delete in a read-only mailbox (no UIDL)', async () => {
    const mailbox = new FakeMailbox(sampleMessages(3), { capabilities: ['TOP', 'USER'] });
    const store = await signedIn(mailbox);
    store.deleteMessages(['#1']);
    await advance(10_000);
    expect(store.pending.entries.value).toEqual([]);
    expect(deles(mailbox.log)).toEqual([]);
  });
});
