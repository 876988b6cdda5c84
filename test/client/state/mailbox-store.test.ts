// The mailbox store over a real Pop3Session: UIDL and LIST first, then TOP n 0
// for the visible rows newest first, pipelined; the header cache's hit path.

import { signal } from '@preact/signals';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDatabase, DATABASE_NAME } from '../../../client/cache/database.ts';
import { createHeaderCache } from '../../../client/cache/header-cache.ts';
import { createMailboxStore } from '../../../client/state/mailbox-store.ts';
import { FakeMailbox, sampleMessages } from '../../support/app-fake-pop3.ts';
import { buildApp, freshIndexedDb, until } from '../../support/app-stores.ts';

async function loggedIn(mailbox: FakeMailbox) {
  const connection = mailbox.connect('main', {});
  await connection.session.login({ username: 'alice', password: 'secret' });
  mailbox.log.length = 0;
  return connection;
}

/** A mailbox store over a fresh header cache, with nothing hidden. */
function newStore(options: { firstPage?: number } = {}) {
  const cache = createHeaderCache(createDatabase());
  const store = createMailboxStore({ cache, hidden: signal(new Set<string>()), ...options });
  return { store, cache };
}

const tops = (log: readonly string[]): number[] =>
  log.filter((line) => line.startsWith('TOP ')).map((line) => Number(line.split(' ')[1]));

beforeEach(() => {
  freshIndexedDb();
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('mailbox store load order', () => {
  it('lists with UIDL and LIST, then fetches headers newest first, pipelined', async () => {
    const mailbox = new FakeMailbox(sampleMessages(300));
    const connection = await loggedIn(mailbox);
    const { store } = newStore({ firstPage: 50 });
    await store.list(connection.session, 'main/alice');
    // With nothing cached: STAT and LIST together, then (on STAT's count, not
    // after the whole LIST) the newest page's headers ahead of UIDL, so the
    // first rows are drawn once, with their headers.
    const commands = mailbox.log.filter((line) => !line.startsWith('CAPA'));
    expect(commands.slice(0, 2)).toEqual(['STAT', 'LIST']);
    expect(tops(commands.slice(2, 52))).toEqual(Array.from({ length: 50 }, (_, i) => 300 - i));
    expect(commands[52]).toBe('UIDL');
    expect(store.rows.value).toHaveLength(300);
    const withHeaders = store.rows.value.filter((row) => row.header !== undefined);
    expect(withHeaders.map((row) => row.msg).sort((a, b) => b - a)).toEqual(
      Array.from({ length: 50 }, (_, i) => 300 - i),
    );

    const writesBefore = connection.server.writes;
    await store.fillHeaders(connection.session);
    const order = tops(mailbox.log);
    expect(order).toHaveLength(300);
    // The first page is the newest 50, newest first; then the rest, still newest first.
    expect(order.slice(0, 50)).toEqual(Array.from({ length: 50 }, (_, i) => 300 - i));
    expect(order).toEqual([...order].sort((a, b) => b - a));
    // 300 TOPs in a handful of writes: PIPELINING, not one round trip each.
    expect(connection.server.writes - writesBefore).toBeLessThanOrEqual(4);
    expect(store.progress.value).toEqual({ loaded: 300, total: 300, isLoading: false });
    expect(store.view.value[0]?.header?.subject).toBe('Message 300');
  });

  it('fetches the rows on screen before any other', async () => {
    const mailbox = new FakeMailbox(sampleMessages(400));
    const connection = await loggedIn(mailbox);
    const { store } = newStore();
    // A reconnect while scrolled: the view already reports what is on screen.
    store.prepare('main/alice');
    store.setVisible(['u17', 'u16', 'u15']);
    await store.list(connection.session, 'main/alice');
    await store.fillHeaders(connection.session);
    expect(tops(mailbox.log).slice(0, 3)).toEqual([17, 16, 15]);
    expect(tops(mailbox.log)).toHaveLength(400);
  });

  it('without PIPELINING still fetches every header, one at a time', async () => {
    const mailbox = new FakeMailbox(sampleMessages(20), {
      capabilities: ['TOP', 'UIDL', 'USER'],
    });
    const connection = await loggedIn(mailbox);
    const { store } = newStore();
    await store.list(connection.session, 'main/alice');
    await store.fillHeaders(connection.session);
    expect(tops(mailbox.log)).toHaveLength(20);
  });

  it('treats a mailbox without UIDL as read-only and caches nothing', async () => {
    const mailbox = new FakeMailbox(sampleMessages(5), { capabilities: ['TOP', 'USER'] });
    const connection = await loggedIn(mailbox);
    const { store, cache } = newStore();
    await store.list(connection.session, 'main/alice');
    await store.fillHeaders(connection.session);
    expect(store.isReadOnly.value).toBe(true);
    expect(mailbox.log).not.toContain('UIDL');
    expect(store.rows.value.map((row) => row.uidl)).toEqual(['#1', '#2', '#3', '#4', '#5']);
    expect(store.numberOf('#1')).toBeUndefined();
    await store.saved();
    expect((await cache.load('main/alice')).size).toBe(0);
  });

  it.each([
    ['an empty unique-id', '1 u1\r\n2 \r\n'],
    ['a duplicate unique-id', '1 same\r\n2 same\r\n'],
    ['a unique-id with a control character', '1 u1\r\n2 a\x01b\r\n'],
  ])(
    'UIDL with %s makes the mailbox UID-unreliable: rows by number, nothing cached',
    async (_name, lines) => {
      const mailbox = new FakeMailbox(sampleMessages(2));
      mailbox.hook = (line) => (line === 'UIDL' ? `+OK\r\n${lines}.\r\n` : undefined);
      const connection = await loggedIn(mailbox);
      const { store, cache } = newStore();
      await store.list(connection.session, 'main/alice');
      await store.fillHeaders(connection.session);
      expect(store.isReadOnly.value).toBe(true);
      expect(store.rows.value.map((row) => row.uidl)).toEqual(['#1', '#2']);
      expect(store.rows.value.every((row) => row.header !== undefined)).toBe(true);
      expect(connection.session.state).toBe('transaction');
      await store.saved();
      expect((await cache.load('main/alice')).size).toBe(0);
    },
  );

  it.each([
    ['a 5,000-character unique-id', 'u'.repeat(5000)],
    ['a non-ASCII unique-id', 'résumé'],
  ])('UIDL with %s is kept under its hash: writable, cached, no raw key', async (_name, odd) => {
    const mailbox = new FakeMailbox(sampleMessages(2));
    mailbox.hook = (line) => (line === 'UIDL' ? `+OK\r\n1 u1\r\n2 ${odd}\r\n.\r\n` : undefined);
    const connection = await loggedIn(mailbox);
    const { store, cache } = newStore();
    await store.list(connection.session, 'main/alice');
    await store.fillHeaders(connection.session);
    expect(store.isReadOnly.value).toBe(false);
    const uidls = store.rows.value.map((row) => row.uidl).sort();
    expect(uidls[0]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(uidls[1]).toBe('u1');
    await store.saved();
    const keys = [...(await cache.load('main/alice')).keys()];
    expect(keys).toHaveLength(2);
    expect(keys.filter((key) => key.includes(odd))).toEqual([]);
  });
});

describe('a STAT that fails or lies', () => {
  it.each([
    ['refuses', '-ERR no\r\n'],
    ['is malformed', '+OK -5 99999999999999999999\r\n'],
    ['overstates the count', '+OK 400 1000\r\n'],
  ])(
    'when STAT %s, LIST still decides the rows and the first page still gets headers',
    async (_name, reply) => {
      const mailbox = new FakeMailbox(sampleMessages(120));
      mailbox.hook = (line) => (line === 'STAT' ? reply : undefined);
      const connection = await loggedIn(mailbox);
      const { store } = newStore({ firstPage: 50 });
      await store.list(connection.session, 'main/alice');
      expect(store.rows.value).toHaveLength(120);
      expect(connection.session.state).toBe('transaction');
      await store.fillHeaders(connection.session);
      expect(store.rows.value.every((row) => row.header !== undefined)).toBe(true);
    },
  );
});

describe('header cache', () => {
  it('a second sign-in shows cached rows at once and fetches only new UIDLs', async () => {
    const mailbox = new FakeMailbox(sampleMessages(40));
    const first = buildApp(mailbox);
    first.store.keepMail.value = true;
    await first.store.signIn('main', 'alice', 'secret');
    await until(() => first.store.mailbox.progress.value.loaded === 40, 'first load');
    await until(() => !first.store.mailbox.progress.value.isLoading, 'first load done');
    await first.store.signOut();

    mailbox.messages.push(...sampleMessages(3, 41));
    mailbox.log.length = 0;
    const second = buildApp(mailbox);
    // When the first TOP goes out, the 40 known rows already show their headers.
    let knownAtFirstTop: number | undefined;
    mailbox.hook = (line) => {
      if (line.startsWith('TOP ') && knownAtFirstTop === undefined) {
        knownAtFirstTop = second.store.mailbox.rows.value.filter((row) => row.header).length;
      }
      return undefined;
    };
    await second.store.signIn('main', 'alice', 'secret');
    await until(() => second.store.mailbox.progress.value.loaded === 43, 'new headers');
    expect(knownAtFirstTop).toBe(40);
    expect(tops(mailbox.log).sort((a, b) => a - b)).toEqual([41, 42, 43]);
    await second.store.signOut();
  });

  it('without "Keep mail on this device" (the default), sign-out deletes the cache', async () => {
    const mailbox = new FakeMailbox(sampleMessages(5));
    const app = buildApp(mailbox);
    expect(app.store.keepMail.value).toBe(false);
    await app.store.signIn('main', 'alice', 'secret');
    await until(() => app.store.mailbox.progress.value.loaded === 5, 'load');
    await until(() => !app.store.mailbox.progress.value.isLoading, 'load done');
    // While signed in, the cache is there (so a dropped session reconnects fast)…
    expect((await createHeaderCache(createDatabase()).load('main/alice')).size).toBe(5);
    await app.store.signOut();
    // …and after sign-out nothing is left in IndexedDB.
    expect((await indexedDB.databases()).map((db) => db.name)).not.toContain(DATABASE_NAME);
  });

  it('with "Keep mail on this device", the cache stays after sign-out', async () => {
    const mailbox = new FakeMailbox(sampleMessages(5));
    const app = buildApp(mailbox);
    app.store.keepMail.value = true;
    await app.store.signIn('main', 'alice', 'secret');
    await until(() => !app.store.mailbox.progress.value.isLoading, 'load done');
    await app.store.signOut();
    expect((await createHeaderCache(createDatabase()).load('main/alice')).size).toBe(5);
  });
});
