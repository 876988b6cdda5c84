// Sign-in, reconnect with backoff (fake timers), going-away, offline, and the
// cases that must not retry: a refused password and a TLS refusal.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { closeError, ConnectionError } from '../../../client/connection.ts';
import { backoffDelay } from '../../../client/state/backoff.ts';
import { errorMessageKey } from '../../../client/state/errors.ts';
import { createSessionStore, type NetworkWatch } from '../../../client/state/session-store.ts';
import { createTabLock, type ChannelLike } from '../../../client/state/tab-lock.ts';
import { CLOSE_CODES } from '../../../shared/bridge/messages.ts';
import { Pop3ProtocolError } from '../../../shared/pop3/index.ts';
import { FakeMailbox, sampleMessages } from '../../support/app-fake-pop3.ts';
import { advance } from '../../support/app-stores.ts';

const lost = (): ConnectionError =>
  new ConnectionError('CONNECTION_LOST', 'lost', { isRetryable: true, closeCode: 1006 });

function build(mailbox: FakeMailbox, network?: NetworkWatch) {
  return createSessionStore({
    connect: mailbox.connect,
    lock: createTabLock({}),
    random: () => 0.5,
    network,
    replyTimeoutMs: 0,
  }).sessions;
}

const ACCOUNT = { server: 'main', username: 'alice' };

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('backoffDelay', () => {
  it('doubles from one second to a 30 s cap, with ±20% jitter', () => {
    const middle = (): number => 0.5;
    expect([0, 1, 2, 3, 4, 5, 9].map((n) => backoffDelay(n, middle))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
    expect(backoffDelay(1, () => 0)).toBe(1600);
    expect(backoffDelay(1, () => 0.999_999)).toBe(2400);
  });
});

describe('session store', () => {
  it('signs in and reports connected', async () => {
    const mailbox = new FakeMailbox(sampleMessages(1));
    const store = build(mailbox);
    await store.signIn(ACCOUNT, 'secret');
    expect(store.state.value.kind).toBe('ready');
    expect(store.current()?.state).toBe('transaction');
  });

  it('a wrong password rejects, signs out and says so', async () => {
    const mailbox = new FakeMailbox(sampleMessages(1));
    const store = build(mailbox);
    await expect(store.signIn(ACCOUNT, 'nope')).rejects.toMatchObject({ code: 'POP3_AUTH_FAILED' });
    expect(store.state.value.kind).toBe('signed-out');
    expect(errorMessageKey(store.error.value)).toBe('error.wrongPassword');
  });

  it('reconnects after a drop with growing delays, then resets the backoff', async () => {
    const mailbox = new FakeMailbox(sampleMessages(1));
    const store = build(mailbox);
    const ready: number[] = [];
    store.onReady(({ generation }) => void ready.push(generation));
    await store.signIn(ACCOUNT, 'secret');
    mailbox.failNext.push(lost(), lost());
    const start = Date.now();
    mailbox.last.drop();
    await advance(0);
    expect(store.state.value.kind).toBe('reconnecting');
    expect(store.retryAt.value).toBe(start + 1000);
    await advance(990);
    expect(mailbox.connections).toHaveLength(1);
    await advance(20); // attempt 1 fails → 2 s
    expect(mailbox.connections).toHaveLength(2);
    expect(store.retryAt.value).toBe(start + 1000 + 2000);
    await advance(2000); // attempt 2 fails → 4 s
    expect(mailbox.connections).toHaveLength(3);
    await advance(3980);
    expect(mailbox.connections).toHaveLength(3);
    await advance(20);
    expect(mailbox.connections).toHaveLength(4);
    expect(store.state.value.kind).toBe('ready');
    expect(ready).toEqual([1, 2]);
    // A later drop starts again at one second.
    mailbox.last.drop();
    await advance(0);
    expect(store.retryAt.value).toBe(Date.now() + 1000);
  });

  it('a going-away gateway is reconnected to after the delay it asked for', async () => {
    const mailbox = new FakeMailbox(sampleMessages(1));
    const store = build(mailbox);
    await store.signIn(ACCOUNT, 'secret');
    mailbox.last.drop(closeError(CLOSE_CODES.GOING_AWAY, true, undefined, 250));
    await advance(0);
    expect(store.retryAt.value).toBe(Date.now() + 250);
    await advance(260);
    expect(mailbox.connections).toHaveLength(2);
    expect(store.state.value.kind).toBe('ready');
  });

  it('stops at "offline" on a certificate problem, and "Try again" tries again', async () => {
    const mailbox = new FakeMailbox(sampleMessages(1));
    const store = build(mailbox);
    await store.signIn(ACCOUNT, 'secret');
    mailbox.failNext.push(closeError(CLOSE_CODES.TLS_EXPIRED, false));
    mailbox.last.drop();
    await advance(1100);
    expect(store.state.value.kind).toBe('lost');
    expect(errorMessageKey(store.error.value)).toBe('error.certExpired');
    await advance(60_000);
    expect(mailbox.connections).toHaveLength(2);
    store.retryNow();
    await advance(0);
    expect(store.state.value.kind).toBe('ready');
  });

  it('a password changed elsewhere signs out instead of retrying', async () => {
    const mailbox = new FakeMailbox(sampleMessages(1));
    const store = build(mailbox);
    await store.signIn(ACCOUNT, 'secret');
    mailbox.password = 'changed';
    mailbox.last.drop();
    await advance(1100);
    expect(store.state.value.kind).toBe('signed-out');
    expect(errorMessageKey(store.error.value)).toBe('error.wrongPassword');
    await advance(60_000);
    expect(mailbox.connections).toHaveLength(2);
  });

  it('[SYS/PERM] at login is a broken server: no sign-out, no "wrong password"', async () => {
    const mailbox = new FakeMailbox(sampleMessages(1));
    const store = build(mailbox);
    await store.signIn(ACCOUNT, 'secret');
    // The gateway counts no failed login for it (isFailedLogin), so neither may the page.
    mailbox.hook = (line) =>
      line.startsWith('PASS') ? '-ERR [SYS/PERM] mail store unavailable\r\n' : undefined;
    mailbox.last.drop();
    await advance(1100);
    expect(store.state.value.kind).not.toBe('signed-out');
    expect(errorMessageKey(store.error.value)).toBe('error.permFailure');
  });

  it('[IN-USE] while reconnecting is retried', async () => {
    const mailbox = new FakeMailbox(sampleMessages(1), { isLocking: true });
    const store = build(mailbox);
    await store.signIn(ACCOUNT, 'secret');
    // The connection drops and another program takes the mailbox for a while.
    mailbox.last.drop();
    const other = mailbox.connect('main', {});
    await other.session.login({ username: 'alice', password: 'secret' });
    await advance(1100);
    expect(store.state.value.kind).toBe('reconnecting');
    expect(errorMessageKey(store.error.value)).toBe('error.inUse');
    other.close();
    await advance(2100);
    expect(store.state.value.kind).toBe('ready');
  });

  it('waits for the browser to come back online', async () => {
    const mailbox = new FakeMailbox(sampleMessages(1));
    let isOnline = true;
    let wake: () => void = () => undefined;
    const store = build(mailbox, {
      isOnline: () => isOnline,
      onOnline: (listener) => {
        wake = listener;
        return () => undefined;
      },
    });
    await store.signIn(ACCOUNT, 'secret');
    isOnline = false;
    mailbox.last.drop();
    await advance(0);
    expect(store.state.value.kind).toBe('lost');
    await advance(60_000);
    expect(mailbox.connections).toHaveLength(1);
    isOnline = true;
    wake();
    await advance(0);
    expect(store.state.value.kind).toBe('ready');
  });

  it('drops the session when the browser goes offline, and reconnects once online', async () => {
    const mailbox = new FakeMailbox(sampleMessages(1));
    let isOnline = true;
    let wake: () => void = () => undefined;
    let lose: () => void = () => undefined;
    const store = build(mailbox, {
      isOnline: () => isOnline,
      onOnline: (listener) => {
        wake = listener;
        return () => undefined;
      },
      onOffline: (listener) => {
        lose = listener;
        return () => undefined;
      },
    });
    await store.signIn(ACCOUNT, 'secret');
    // Chromium keeps the WebSocket open offline: only the event says the network is gone.
    isOnline = false;
    lose();
    await advance(0);
    expect(store.state.value.kind).toBe('lost');
    expect(store.current()).toBeUndefined();
    await advance(60_000);
    expect(mailbox.connections).toHaveLength(1);
    isOnline = true;
    wake();
    await advance(0);
    expect(store.state.value.kind).toBe('ready');
    expect(mailbox.connections).toHaveLength(2);
  });

  it('sign-out sends QUIT and forgets the session', async () => {
    const mailbox = new FakeMailbox(sampleMessages(1));
    const store = build(mailbox);
    await store.signIn(ACCOUNT, 'secret');
    await expect(store.signOut()).resolves.toBe(true);
    expect(mailbox.log.at(-1)).toBe('QUIT');
    expect(store.state.value.kind).toBe('signed-out');
    expect(store.account.value).toBeUndefined();
  });
});

describe('one session per mailbox across tabs', () => {
  function channelPair(): [ChannelLike, ChannelLike] {
    const a: ChannelLike = { onmessage: null, postMessage: (m) => deliver(b, m) };
    const b: ChannelLike = { onmessage: null, postMessage: (m) => deliver(a, m) };
    function deliver(to: ChannelLike, message: unknown): void {
      setTimeout(() => to.onmessage?.({ data: message } as MessageEvent), 1);
    }
    return [a, b];
  }

  it('a second tab waits; "Use it here" takes over and the first tab QUITs', async () => {
    const mailbox = new FakeMailbox(sampleMessages(1), { isLocking: true });
    const [one, two] = channelPair();
    const make = (channel: ChannelLike) =>
      createSessionStore({
        connect: mailbox.connect,
        lock: createTabLock({ createChannel: () => channel, answerWaitMs: 50 }),
        random: () => 0.5,
        replyTimeoutMs: 0,
      }).sessions;
    const first = make(one);
    const second = make(two);
    const signingIn = first.signIn(ACCOUNT, 'secret');
    await advance(60);
    await signingIn;
    expect(first.state.value.kind).toBe('ready');

    const waiting = second.signIn(ACCOUNT, 'secret');
    await advance(60);
    await waiting;
    expect(second.state.value.kind).toBe('held-elsewhere');
    expect(mailbox.connections).toHaveLength(1); // no [IN-USE] collision

    const taking = second.takeOver();
    await advance(3000);
    await taking;
    expect(first.state.value.kind).toBe('held-elsewhere');
    expect(mailbox.connections[0]?.server.commands.at(-1)).toBe('QUIT');
    expect(second.state.value.kind).toBe('ready');
  });
});

describe('a session the server broke', () => {
  it('bytes nobody asked for end the session "offline" with the protocol error', async () => {
    const mailbox = new FakeMailbox(sampleMessages(1));
    const store = build(mailbox);
    await store.signIn(ACCOUNT, 'secret');
    mailbox.last.deliver('+OK unsolicited\r\n');
    await advance(0);
    expect(store.state.value.kind).toBe('lost');
    expect(errorMessageKey(store.error.value)).toBe('error.protocol');
  });

  it('a reply timeout reconnects and says the server stopped answering', async () => {
    const mailbox = new FakeMailbox(sampleMessages(1));
    const store = createSessionStore({
      connect: mailbox.connect,
      lock: createTabLock({}),
      random: () => 0.5,
      replyTimeoutMs: 5000,
    }).sessions;
    await store.signIn(ACCOUNT, 'secret');
    mailbox.hook = (line) => (line === 'NOOP' ? '' : undefined);
    void store
      .current()
      ?.noop()
      .catch(() => undefined);
    await advance(5000);
    expect(store.state.value.kind).toBe('reconnecting');
    expect(errorMessageKey(store.error.value)).toBe('error.timeout');
  });

  it('a listing that breaks the rules ends the session instead of leaving it listless', async () => {
    const mailbox = new FakeMailbox(sampleMessages(1));
    const store = build(mailbox);
    store.onReady(() => {
      throw new Pop3ProtocolError('POP3_BAD_LISTING', 'bad LIST size');
    });
    await store.signIn(ACCOUNT, 'secret');
    await advance(0);
    expect(store.state.value.kind).toBe('lost');
    expect(store.current()).toBeUndefined();
    expect(errorMessageKey(store.error.value)).toBe('error.protocol');
  });
});
