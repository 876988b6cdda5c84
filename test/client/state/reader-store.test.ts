// The reader store: RETR with progress for large messages, parse through the
// injected parser, a drop mid-download waits and resumes on the next session.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeMailbox, makeMessage, sampleMessages } from '../../support/app-fake-pop3.ts';
import { buildApp, fakeParser, freshIndexedDb, until } from '../../support/app-stores.ts';

beforeEach(() => {
  freshIndexedDb();
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('reader store', () => {
  it('downloads with progress, parses lazily, and keeps recent messages', async () => {
    const big = makeMessage(
      { Subject: 'Big one', From: 'a@example.org' },
      'x'.repeat(70).concat('\n').repeat(6000),
    );
    const mailbox = new FakeMailbox([...sampleMessages(2), { uidl: 'big', text: big }]);
    let parserLoads = 0;
    const { store } = buildApp(mailbox, {
      loadParser: () => {
        parserLoads++;
        return Promise.resolve(fakeParser);
      },
    });
    await store.signIn('main', 'alice', 'secret');
    await until(() => store.mailbox.isListed.value, 'listing');
    mailbox.chunkBytes = 16 * 1024;
    const seen: number[] = [];
    const stop = store.reader.state.subscribe((state) => state && seen.push(state.received));
    await store.reader.open('big');
    stop();
    const state = store.reader.state.value!;
    expect(state.status).toBe('ready');
    expect(state.result?.message.subject).toBe('Big one');
    expect(seen.filter((n) => n > 0 && n < state.expected).length).toBeGreaterThan(1);
    expect(parserLoads).toBe(1);
    const retrs = mailbox.log.filter((line) => line.startsWith('RETR')).length;
    await store.reader.open('u1');
    await store.reader.open('big');
    expect(mailbox.log.filter((line) => line.startsWith('RETR')).length).toBe(retrs + 1);
    await store.signOut();
  });

  it('a server that stalls on the same message twice gets an error, not an endless retry', async () => {
    const mailbox = new FakeMailbox(sampleMessages(3));
    const { store } = buildApp(mailbox, { replyTimeoutMs: 100 });
    await store.signIn('main', 'alice', 'secret');
    await until(() => store.mailbox.isListed.value, 'listing');
    // An empty reply is silence: RETR 2 never gets an answer.
    mailbox.hook = (line) => (line === 'RETR 2' ? '' : undefined);
    await store.reader.open('u2');
    expect(store.reader.state.value?.status).toBe('waiting');
    await until(() => store.reader.state.value?.status === 'error', 'gave up', 2000);
    expect(store.reader.state.value?.errorKey).toBe('reader.stalled');
    expect(mailbox.log.filter((line) => line === 'RETR 2')).toHaveLength(2);
    // Another message still opens, on the next session.
    mailbox.hook = undefined;
    await store.reader.open('u1');
    await until(() => store.reader.state.value?.status === 'ready', 'opened', 2000);
    expect(store.reader.state.value?.result?.message.subject).toBe('Message 1');
    await store.signOut();
  });

  it('waits for a new session when the connection drops mid-download', async () => {
    const mailbox = new FakeMailbox(sampleMessages(3));
    const { store } = buildApp(mailbox);
    await store.signIn('main', 'alice', 'secret');
    await until(() => store.mailbox.isListed.value, 'listing');
    let drops = 0;
    mailbox.hook = (line) => (line.startsWith('RETR') && drops++ === 0 ? 'drop' : undefined);
    await store.reader.open('u2');
    expect(store.reader.state.value?.status).toBe('waiting');
    await until(() => store.reader.state.value?.status === 'ready', 'resumed', 800);
    expect(store.reader.state.value?.result?.message.subject).toBe('Message 2');
    await store.signOut();
  });
});
