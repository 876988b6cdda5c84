// The list's wiring over a fake POP3 mailbox and a fresh fake IndexedDB: read
// state through sign-out and sign-in (kept with "Keep mail on this device",
// gone without), the next message opening after the open one is deleted, STAT's
// count shown before LIST answers, Refresh's progress, and search over opened text.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeMailbox, makeMessage, sampleMessages } from '../../support/app-fake-pop3.ts';
import {
  advance,
  buildApp,
  freshIndexedDb,
  until,
  useAppFakeTimers,
} from '../../support/app-stores.ts';
import type { AppStore } from '../../../client/state/app-store.ts';

async function signedIn(store: AppStore, count: number): Promise<void> {
  await store.signIn('main', 'alice', 'secret');
  // updatedAt is set once the listing and the read state are both in.
  await until(
    () => store.updatedAt.value !== undefined && store.mailbox.rows.value.length === count,
  );
}

describe('list flow', () => {
  beforeEach(() => {
    freshIndexedDb();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('keeps read marks through sign-out and sign-in when keep-mail is ticked', async () => {
    const { store } = buildApp(new FakeMailbox(sampleMessages(6)));
    store.keepMail.value = true;
    await signedIn(store, 6);
    expect(store.readState.unreadCount.value).toBe(6);
    await store.reader.open('u3');
    store.readState.markRead(['u5']);
    expect(store.readState.unreadCount.value).toBe(4);
    await store.signOut();
    expect(store.readState.read.value.size).toBe(0);
    await signedIn(store, 6);
    await until(() => store.readState.read.value.size === 2, 'read marks');
    expect([...store.readState.read.value].sort()).toEqual(['u3', 'u5']);
    expect(store.readState.unreadCount.value).toBe(4);
    await store.signOut();
  });

  it('keeps nothing when keep-mail is unticked: every message is unread again', async () => {
    const { store } = buildApp(new FakeMailbox(sampleMessages(4)));
    await signedIn(store, 4);
    store.readState.markRead(['u1', 'u2']);
    await store.signOut();
    await signedIn(store, 4);
    expect(store.readState.unreadCount.value).toBe(4);
    expect([...store.readState.fresh.value]).toEqual([]);
    await store.signOut();
  });

  it('marks mail that arrived since the last visit as new', async () => {
    const mailbox = new FakeMailbox(sampleMessages(3));
    const { store } = buildApp(mailbox);
    store.keepMail.value = true;
    await signedIn(store, 3);
    await store.signOut();
    mailbox.messages = [...mailbox.messages, ...sampleMessages(2, 4)];
    await signedIn(store, 5);
    expect([...store.readState.fresh.value].sort()).toEqual(['u4', 'u5']);
    await store.signOut();
  });

  it('opens the next message after deleting the open one', async () => {
    useAppFakeTimers();
    const mailbox = new FakeMailbox(sampleMessages(6));
    const { store } = buildApp(mailbox);
    await signedIn(store, 6);
    store.selection.setCursor('u5');
    await store.reader.open('u5');
    store.deleteMessages(['u5']);
    // Newest first, the row below u5 is u4: it opens, and is read.
    expect(store.reader.state.value?.uidl).toBe('u4');
    await until(() => store.reader.state.value?.status === 'ready', 'next message');
    expect(store.readState.read.value.has('u4')).toBe(true);
    store.undo();
    await advance(7000);
    expect(mailbox.log).not.toContain('DELE 5');
    await store.signOut();
  });

  it('announces STAT’s count while LIST is on its way', async () => {
    // One command at a time (no PIPELINING): holding LIST's reply holds nothing else out of order.
    const mailbox = new FakeMailbox(sampleMessages(5), {
      capabilities: ['TOP', 'UIDL', 'USER', 'RESP-CODES', 'AUTH-RESP-CODE'],
    });
    let release: (() => void) | undefined;
    mailbox.hook = (line) => {
      if (line !== 'LIST') return undefined;
      const sizes = mailbox.messages.map(
        (m, i) => `${i + 1} ${new TextEncoder().encode(m.text).length}`,
      );
      release = () => mailbox.last.deliver(`+OK\r\n${sizes.join('\r\n')}\r\n.\r\n`);
      return ''; // held: the reply comes when the test says
    };
    const { store } = buildApp(mailbox);
    await store.signIn('main', 'alice', 'secret');
    await until(() => store.mailbox.announced.value === 5, 'STAT count');
    expect(store.mailbox.isListed.value).toBe(false);
    release!();
    await until(() => store.mailbox.isListed.value, 'listing');
    expect(store.mailbox.announced.value).toBeUndefined();
    await store.signOut();
  });

  it('shows Refresh working until the new listing lands, then when it was updated', async () => {
    let clock = 1_000;
    const mailbox = new FakeMailbox(sampleMessages(3));
    const { store } = buildApp(mailbox, { now: () => clock });
    await signedIn(store, 3);
    expect(store.updatedAt.value).toBe(1_000);
    clock = 5_000;
    mailbox.messages = [...mailbox.messages, ...sampleMessages(1, 4)];
    const refreshing = store.refresh();
    expect(store.isRefreshing.value).toBe(true);
    await refreshing;
    await until(() => !store.isRefreshing.value, 'refresh done');
    expect(store.updatedAt.value).toBe(5_000);
    expect(store.mailbox.rows.value).toHaveLength(4);
    await store.signOut();
  });

  it('finds opened messages by their text, and only once opened', async () => {
    const messages = sampleMessages(3);
    messages[0] = {
      uidl: 'u1',
      text: makeMessage({ From: 'A <a@example.org>', Subject: 'Plain' }, 'pineapple pizza'),
    };
    const { store } = buildApp(new FakeMailbox(messages));
    await signedIn(store, 3);
    await until(() => store.mailbox.progress.value.loaded === 3, 'headers');
    store.mailbox.query.value = 'pineapple';
    expect(store.mailbox.view.value).toEqual([]);
    await store.reader.open('u1');
    await until(() => store.mailbox.view.value.length === 1, 'text search');
    expect(store.mailbox.view.value[0]?.uidl).toBe('u1');
    await store.signOut();
  });
});
