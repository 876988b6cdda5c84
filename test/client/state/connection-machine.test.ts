// Every transition of the mailbox connection's state machine, one test each:
// the next state and the effects the runner must perform. Pure: no timers,
// sockets or stores.

import { describe, expect, it } from 'vitest';
import {
  isCurrent,
  step,
  type Attempt,
  type LinkEvent,
  type LinkState,
  type RetryPolicy,
} from '../../../client/state/connection-machine.ts';

interface Link {
  name: string;
}

const NOW = 1_000_000;
const REFUSED = new Error('refused password');
const CERT = new Error('expired certificate');
const DROPPED = new Error('dropped');
const GOING_AWAY = new Error('going away');

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return {
    now: () => NOW,
    isOnline: () => true,
    isCredentialFailure: (error) => error === REFUSED,
    isRetryable: (error) => error !== CERT && error !== REFUSED,
    requestedDelay: (error) => (error === GOING_AWAY ? 250 : undefined),
    backoff: (retries) => 1000 * 2 ** retries,
    ...overrides,
  };
}

const run = (state: LinkState<Link>, event: LinkEvent<Link>, rules = policy()) =>
  step(state, event, rules);

const attempt = (): Attempt => ({}) as Attempt;
const link: Link = { name: 'live' };
const other: Link = { name: 'late' };

const signedOut: LinkState<Link> = { kind: 'signed-out', error: undefined };
const held: LinkState<Link> = { kind: 'held-elsewhere' };
const lost: LinkState<Link> = { kind: 'lost', error: CERT };
const signingOut: LinkState<Link> = { kind: 'signing-out' };
const a1 = attempt();
const firstConnecting: LinkState<Link> = { kind: 'connecting', attempt: a1, isFirst: true };
const takingOver: LinkState<Link> = { kind: 'connecting', attempt: a1, isFirst: false };
const ready: LinkState<Link> = { kind: 'ready', attempt: a1, link };
const quitting: LinkState<Link> = { kind: 'committing', quitting: link };
const reopening: LinkState<Link> = { kind: 'committing', attempt: a1 };
const waiting: LinkState<Link> = {
  kind: 'reconnecting',
  retries: 2,
  error: DROPPED,
  retryAt: NOW + 4000,
};
const trying: LinkState<Link> = { kind: 'reconnecting', retries: 2, error: DROPPED, attempt: a1 };

/** The attempt of the state a step entered, which its `open` effect must name. */
function opened(state: LinkState<Link>): Attempt {
  if (!('attempt' in state) || state.attempt === undefined) throw new Error('no attempt');
  return state.attempt;
}

describe('connection machine', () => {
  it('signed-out --sign-in--> connecting (first), opening a new attempt', () => {
    const { state, effects } = run(signedOut, { type: 'sign-in' });
    expect(state).toMatchObject({ kind: 'connecting', isFirst: true });
    expect(effects).toEqual([{ type: 'open', attempt: opened(state) }]);
  });

  it('ready --sign-in--> connecting, closing the session nobody else would end', () => {
    const { state, effects } = run(ready, { type: 'sign-in' });
    expect(state.kind).toBe('connecting');
    expect(effects).toEqual([
      { type: 'close', link },
      { type: 'open', attempt: opened(state) },
    ]);
    expect(opened(state)).not.toBe(a1);
  });

  it('signed-out --lock-refused--> held-elsewhere, opening nothing', () => {
    expect(run(signedOut, { type: 'lock-refused' })).toEqual({ state: held, effects: [] });
  });

  it('held-elsewhere --take-over--> connecting (not first), opening', () => {
    const { state, effects } = run(held, { type: 'take-over' });
    expect(state).toMatchObject({ kind: 'connecting', isFirst: false });
    expect(effects).toEqual([{ type: 'open', attempt: opened(state) }]);
  });

  it('take-over means nothing unless another tab holds the mailbox', () => {
    for (const from of [signedOut, ready, waiting]) {
      expect(run(from, { type: 'take-over' })).toEqual({ state: from, effects: [] });
    }
  });

  it('connecting --opened (its attempt)--> ready, adopting the session', () => {
    const { state, effects } = run(firstConnecting, { type: 'opened', attempt: a1, link });
    expect(state).toEqual({ kind: 'ready', attempt: a1, link });
    expect(effects).toEqual([{ type: 'adopt', attempt: a1, link }]);
  });

  it('a session opened for a stale attempt is closed and changes nothing', () => {
    for (const from of [signedOut, signingOut, held, ready, firstConnecting]) {
      const result = run(from, { type: 'opened', attempt: attempt(), link: other });
      expect(result.state).toBe(from);
      expect(result.effects).toEqual([{ type: 'close', link: other }]);
    }
  });

  it('connecting (first) --open-failed--> signed-out with the error, forgetting credentials', () => {
    const { state, effects } = run(firstConnecting, {
      type: 'open-failed',
      attempt: a1,
      error: DROPPED,
    });
    expect(state).toEqual({ kind: 'signed-out', error: DROPPED });
    expect(effects).toEqual([{ type: 'forget' }]);
  });

  it('a later session whose password is refused signs out instead of retrying', () => {
    for (const from of [takingOver, trying, reopening]) {
      const { state, effects } = run(from, { type: 'open-failed', attempt: a1, error: REFUSED });
      expect(state).toEqual({ kind: 'signed-out', error: REFUSED });
      expect(effects).toEqual([{ type: 'forget' }]);
    }
  });

  it('connecting (take-over) --open-failed, retryable--> reconnecting after the first backoff', () => {
    const { state, effects } = run(takingOver, {
      type: 'open-failed',
      attempt: a1,
      error: DROPPED,
    });
    expect(state).toEqual({
      kind: 'reconnecting',
      retries: 1,
      error: DROPPED,
      retryAt: NOW + 1000,
    });
    expect(effects).toEqual([{ type: 'wait', ms: 1000 }]);
  });

  it('reconnecting (trying) --open-failed--> reconnecting with a longer wait', () => {
    const { state, effects } = run(trying, { type: 'open-failed', attempt: a1, error: DROPPED });
    expect(state).toEqual({
      kind: 'reconnecting',
      retries: 3,
      error: DROPPED,
      retryAt: NOW + 4000,
    });
    expect(effects).toEqual([{ type: 'wait', ms: 4000 }]);
  });

  it('committing (reopening) --open-failed--> reconnecting', () => {
    const { state } = run(reopening, { type: 'open-failed', attempt: a1, error: DROPPED });
    expect(state).toMatchObject({ kind: 'reconnecting', retries: 1, retryAt: NOW + 1000 });
  });

  it('a failure retrying cannot fix stops at lost, with no timer', () => {
    const result = run(trying, { type: 'open-failed', attempt: a1, error: CERT });
    expect(result).toEqual({ state: { kind: 'lost', error: CERT }, effects: [] });
  });

  it('a failure while the browser is offline stops at lost until it is back', () => {
    const offline = policy({ isOnline: () => false });
    const result = run(trying, { type: 'open-failed', attempt: a1, error: DROPPED }, offline);
    expect(result).toEqual({ state: { kind: 'lost', error: DROPPED }, effects: [] });
  });

  it('a failure of a stale attempt changes nothing', () => {
    const result = run(trying, { type: 'open-failed', attempt: attempt(), error: REFUSED });
    expect(result).toEqual({ state: trying, effects: [] });
  });

  it('ready --ended--> reconnecting: closes the session and waits the first backoff', () => {
    const { state, effects } = run(ready, { type: 'ended', attempt: a1, error: DROPPED });
    expect(state).toEqual({
      kind: 'reconnecting',
      retries: 1,
      error: DROPPED,
      retryAt: NOW + 1000,
    });
    expect(effects).toEqual([
      { type: 'close', link },
      { type: 'wait', ms: 1000 },
    ]);
  });

  it('ready --ended by a gateway going away--> waits the delay it asked for, backoff unchanged', () => {
    const { state, effects } = run(ready, { type: 'ended', attempt: a1, error: GOING_AWAY });
    expect(state).toMatchObject({ kind: 'reconnecting', retries: 0, retryAt: NOW + 250 });
    expect(effects).toContainEqual({ type: 'wait', ms: 250 });
  });

  it('the end of a session no longer live (committing, signed out, stale) changes nothing', () => {
    for (const from of [quitting, signingOut, held]) {
      expect(run(from, { type: 'ended', attempt: a1, error: DROPPED })).toEqual({
        state: from,
        effects: [],
      });
    }
    expect(run(ready, { type: 'ended', attempt: attempt(), error: DROPPED }).state).toBe(ready);
  });

  it('reconnecting (waiting) --retry-due--> reconnecting (trying), keeping the reason shown', () => {
    const { state, effects } = run(waiting, { type: 'retry-due' });
    expect(state).toMatchObject({ kind: 'reconnecting', retries: 2, error: DROPPED });
    expect(state).not.toHaveProperty('retryAt', expect.any(Number));
    expect(effects).toEqual([{ type: 'open', attempt: opened(state) }]);
  });

  it('retry-due while an attempt is already running opens no second one', () => {
    expect(run(trying, { type: 'retry-due' })).toEqual({ state: trying, effects: [] });
  });

  it('lost --retry-now--> reconnecting (trying) from the first backoff step', () => {
    const { state, effects } = run(lost, { type: 'retry-now' });
    expect(state).toMatchObject({ kind: 'reconnecting', retries: 0, error: CERT });
    expect(effects).toEqual([{ type: 'open', attempt: opened(state) }]);
  });

  it('reconnecting (waiting) --retry-now--> trying at once, the backoff reset', () => {
    const { state, effects } = run(waiting, { type: 'retry-now' });
    expect(state).toMatchObject({ kind: 'reconnecting', retries: 0 });
    expect(effects).toEqual([{ type: 'open', attempt: opened(state) }]);
  });

  it('retry-now means nothing with a session, an attempt, or another tab holding the mailbox', () => {
    for (const from of [ready, trying, held, signedOut, firstConnecting]) {
      expect(run(from, { type: 'retry-now' })).toEqual({ state: from, effects: [] });
    }
  });

  it('ready --offline--> closes the session; its end then decides the state', () => {
    expect(run(ready, { type: 'offline' })).toEqual({
      state: ready,
      effects: [{ type: 'close', link }],
    });
  });

  it('committing (quitting) --offline--> closes the session QUIT awaits an answer on', () => {
    expect(run(quitting, { type: 'offline' })).toEqual({
      state: quitting,
      effects: [{ type: 'close', link }],
    });
    expect(run(waiting, { type: 'offline' })).toEqual({ state: waiting, effects: [] });
  });

  it('ready --commit--> committing, the session handed to the caller to QUIT', () => {
    expect(run(ready, { type: 'commit' })).toEqual({ state: quitting, effects: [] });
    expect(run(trying, { type: 'commit' }).state).toBe(trying);
  });

  it('committing (quitting) --reopen--> committing (opening the next session)', () => {
    const { state, effects } = run(quitting, { type: 'reopen' });
    expect(state).toMatchObject({ kind: 'committing' });
    expect(effects).toEqual([{ type: 'open', attempt: opened(state) }]);
    // Handed over or signed out meanwhile: nothing reopens.
    expect(run(held, { type: 'reopen' })).toEqual({ state: held, effects: [] });
  });

  it('committing (reopening) --opened--> ready', () => {
    const { state, effects } = run(reopening, { type: 'opened', attempt: a1, link: other });
    expect(state).toEqual({ kind: 'ready', attempt: a1, link: other });
    expect(effects).toEqual([{ type: 'adopt', attempt: a1, link: other }]);
  });

  it('--lock-lost--> held-elsewhere from every state that holds the mailbox', () => {
    for (const from of [firstConnecting, ready, quitting, reopening, waiting, trying, lost]) {
      // A ready session is ended by the caller (endSession), not closed here.
      expect(run(from, { type: 'lock-lost' })).toEqual({ state: held, effects: [] });
    }
    for (const from of [signedOut, signingOut, held]) {
      expect(run(from, { type: 'lock-lost' }).state).toBe(from);
    }
  });

  it('--sign-out--> signing-out from anywhere; a pending attempt becomes stale', () => {
    for (const from of [ready, trying, held, lost, quitting]) {
      expect(run(from, { type: 'sign-out' })).toEqual({ state: signingOut, effects: [] });
    }
    expect(isCurrent(run(trying, { type: 'sign-out' }).state, a1)).toBe(false);
  });

  it('signing-out --signed-out--> signed-out, forgetting credentials; elsewhere nothing', () => {
    expect(run(signingOut, { type: 'signed-out' })).toEqual({
      state: signedOut,
      effects: [{ type: 'forget' }],
    });
    expect(run(ready, { type: 'signed-out' })).toEqual({ state: ready, effects: [] });
  });
});
