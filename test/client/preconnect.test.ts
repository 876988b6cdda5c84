// The session opened while the person is at the sign-in form: handed to the
// first sign-in when it fits, and otherwise closed, costing time, never a failure.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionError } from '../../client/connection.ts';
import { createPreconnector, type Preconnector } from '../../client/preconnect.ts';
import { sessionOptions } from '../../client/state/pop3-link.ts';
import { FakeMailbox, sampleMessages } from '../support/app-fake-pop3.ts';
import {
  advance,
  buildApp,
  freshIndexedDb,
  until,
  useAppFakeTimers,
} from '../support/app-stores.ts';

/** What the session store asks for in buildApp (reply timeout 0). */
const OPTIONS = sessionOptions(0);

function world(maxAgeMs?: number) {
  freshIndexedDb();
  const mailbox = new FakeMailbox(sampleMessages(5));
  const preconnector = createPreconnector({ connect: mailbox.connect, options: OPTIONS, maxAgeMs });
  const { store } = buildApp(mailbox, {
    connect: (server, options) =>
      preconnector.take(server, options) ?? mailbox.connect(server, options),
    preconnect: preconnector,
  });
  return { mailbox, preconnector, store };
}

/** The commands sent before the password: what sign-in had to wait for. */
function beforeLogin(mailbox: FakeMailbox): string[] {
  return mailbox.log.slice(0, mailbox.log.indexOf('USER alice'));
}

let open: Preconnector | undefined;
afterEach(() => {
  open?.discard();
  open = undefined;
  vi.useRealTimers();
});

describe('createPreconnector', () => {
  it('signs in over the session opened at the form, its CAPA already read', async () => {
    const { mailbox, preconnector, store } = world();
    open = preconnector;
    preconnector.warm('main');
    await until(() => mailbox.log.includes('CAPA'), 'pre-login CAPA');

    await store.signIn('main', 'alice', 'secret');
    await until(() => store.mailbox.isListed.value, 'listing');
    expect(mailbox.connections).toHaveLength(1);
    expect(beforeLogin(mailbox)).toEqual(['CAPA']);
    expect(store.mailbox.rows.value).toHaveLength(5);
    await store.signOut();
  });

  it('the store warms a session only while signed out, and signs in over it', async () => {
    const { mailbox, preconnector, store } = world();
    open = preconnector;
    store.prepareSignIn('main');
    await store.signIn('main', 'alice', 'secret');
    store.prepareSignIn('main');
    expect(mailbox.connections).toHaveLength(1);
    expect(mailbox.last.isEnded).toBe(false);
    await store.signOut();
  });

  it('opens one session however often the form is touched', () => {
    const { mailbox, preconnector } = world();
    open = preconnector;
    preconnector.warm('main');
    preconnector.warm('main');
    preconnector.warm('main');
    expect(mailbox.connections).toHaveLength(1);
    preconnector.warm('other');
    expect(mailbox.connections).toHaveLength(2);
    expect(mailbox.connections[0]!.isEnded).toBe(true);
  });

  it('connects afresh for another server or other options, closing the waiting session', () => {
    const { mailbox, preconnector } = world();
    open = preconnector;
    preconnector.warm('other');
    expect(preconnector.take('main', OPTIONS)).toBeUndefined();
    expect(mailbox.connections[0]!.isEnded).toBe(true);

    preconnector.warm('main');
    // A reconnect after broken pipelining must not get a pipelining session.
    expect(preconnector.take('main', { ...OPTIONS, pipelining: 'off' })).toBeUndefined();
    expect(mailbox.connections[1]!.isEnded).toBe(true);
  });

  it('hands a session over once', () => {
    const { preconnector } = world();
    open = preconnector;
    preconnector.warm('main');
    const handed = preconnector.take('main', OPTIONS);
    expect(handed).toBeDefined();
    expect(preconnector.take('main', OPTIONS)).toBeUndefined();
    handed?.close();
  });

  it('never hands over a session that dropped: sign-in connects again and succeeds', async () => {
    const { mailbox, preconnector, store } = world();
    open = preconnector;
    preconnector.warm('main');
    await until(() => mailbox.log.includes('CAPA'), 'pre-login CAPA');
    mailbox.last.drop();

    await store.signIn('main', 'alice', 'secret');
    await until(() => store.mailbox.isListed.value, 'listing');
    expect(mailbox.connections).toHaveLength(2);
    expect(store.sessions.state.value.kind).toBe('ready');
    await store.signOut();
  });

  it('never hands over a session the gateway refused', async () => {
    const { mailbox, preconnector, store } = world();
    open = preconnector;
    mailbox.failNext.push(
      new ConnectionError('CONNECTION_UNREACHABLE', 'down', { isRetryable: true }),
    );
    preconnector.warm('main');
    await until(() => mailbox.connections[0]!.isEnded, 'refusal');

    await store.signIn('main', 'alice', 'secret');
    expect(mailbox.connections).toHaveLength(2);
    expect(store.sessions.error.value).toBeUndefined();
    await store.signOut();
  });

  it('closes a session left unused for maxAgeMs', async () => {
    useAppFakeTimers();
    const { mailbox, preconnector } = world(30_000);
    open = preconnector;
    preconnector.warm('main');
    await advance(29_000);
    expect(mailbox.last.isEnded).toBe(false);
    await advance(2_000);
    expect(mailbox.last.isEnded).toBe(true);
    expect(preconnector.take('main', OPTIONS)).toBeUndefined();
    // Touching the form again opens a new one.
    preconnector.warm('main');
    expect(mailbox.connections).toHaveLength(2);
  });
});
