// Runs connection-machine.ts for one kind of session: holds its state in one
// signal, performs the effects (open, close, retry timer, hand a new session
// to listeners), and ends sessions one way (session-link.ts endSession).
// Parameterised by how to open a session; knows no protocol, lock or store.
//
// How the next sessions plug in, without copying this logic:
// - SMTP (sending): an SmtpLink (connect, EHLO, AUTH; quit = SMTP QUIT) is a
//   SessionLink; an outbox runs its own lifecycle over `open: openSmtpLink`.
//   It never dispatches lock events or commits, so it never enters
//   held-elsewhere or committing; a send is "ready → work → signOut()".
// - Check for new mail: a short session is `pop3-link.ts` open, UIDL, TOP of
//   the new ones, then endSession: the same opener and the same way to end,
//   run while the mailbox session is released. Releasing the mailbox when the
//   tab is hidden or idle is one more state in connection-machine.ts (ready →
//   released by endSession, released → connecting on the next action), and
//   LOGIN-DELAY one more input to its RetryPolicy.

import { signal, type ReadonlySignal } from '@preact/signals';
import {
  step,
  type Attempt,
  type LinkEffect,
  type LinkEvent,
  type LinkState,
  type RetryPolicy,
} from './connection-machine.ts';
import { endSession, QUIT_TIMEOUT_MS, type SessionLink } from './session-link.ts';

export interface NetworkWatch {
  isOnline: () => boolean;
  onOnline: (listener: () => void) => () => void;
  /** The browser lost the network (the `offline` event). */
  onOffline?: (listener: () => void) => () => void;
}

export interface LifecycleDeps<L extends SessionLink> {
  /** Open and sign in a session; rejects with the typed reason. */
  open: () => Promise<L>;
  policy: Pick<RetryPolicy, 'isCredentialFailure' | 'isRetryable' | 'requestedDelay' | 'backoff'>;
  /** A listener failed in a way that leaves the session useless (a reply that broke the rules). */
  isBroken: (error: unknown) => boolean;
  /** The sign-in is over (signed out, or the password was refused). */
  onForget: () => void;
  network?: NetworkWatch;
  now?: () => number;
  quitTimeoutMs?: number;
}

/** A new session, after login; `generation` counts sessions since sign-in (1 first). */
export type ReadyListener<L> = (link: L, generation: number) => void | Promise<void>;

export interface SessionLifecycle<L extends SessionLink> {
  state: ReadonlySignal<LinkState<L>>;
  /** The ready session, if there is one now. */
  current: () => L | undefined;
  /** Resolves once the first session is ready (or superseded); rejects with its failure. */
  signIn: () => Promise<void>;
  /** Another tab holds the mailbox: wait for a take-over. */
  lockRefused: () => void;
  /** Resolves once the first session after the take-over is ready or failed. */
  takeOver: () => Promise<void>;
  /** End the session for good; resolves to whether QUIT was answered positively. */
  signOut: () => Promise<boolean>;
  /** Another tab took the mailbox: end the session for it. */
  handOver: () => Promise<void>;
  retryNow: () => void;
  /** Take the ready session out of service to commit it; the caller ends it, then calls `reopen`. */
  beginCommit: () => L | undefined;
  reopen: () => void;
  /** Resolves once no session is being opened. */
  settled: () => Promise<void>;
  onReady: (listener: ReadyListener<L>) => () => void;
}

/** A session is being opened: a result is awaited. */
const isOpening = <L>(state: LinkState<L>): boolean =>
  state.kind !== 'ready' && 'attempt' in state && state.attempt !== undefined;

/** Build a lifecycle over `deps.open`. */
export function createSessionLifecycle<L extends SessionLink>(
  deps: LifecycleDeps<L>,
): SessionLifecycle<L> {
  const now = deps.now ?? Date.now;
  const policy: RetryPolicy = {
    ...deps.policy,
    now,
    isOnline: () => deps.network?.isOnline() ?? true,
  };
  const state = signal<LinkState<L>>({ kind: 'signed-out', error: undefined });
  const listeners = new Set<ReadyListener<L>>();
  const waiters = new Set<{ check: (state: LinkState<L>) => boolean; resolve: () => void }>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;

  function dispatch(event: LinkEvent<L>): void {
    const before = state.value;
    const { state: after, effects } = step(before, event, policy);
    if (after !== before) {
      clearTimeout(timer);
      state.value = after;
    }
    for (const effect of effects) perform(effect);
    for (const waiter of [...waiters]) {
      if (!waiter.check(state.value)) continue;
      waiters.delete(waiter);
      waiter.resolve();
    }
  }

  function until(check: (state: LinkState<L>) => boolean): Promise<void> {
    if (check(state.value)) return Promise.resolve();
    return new Promise((resolve) => waiters.add({ check, resolve }));
  }

  function perform(effect: LinkEffect<L>): void {
    switch (effect.type) {
      case 'open': {
        const { attempt } = effect;
        deps.open().then(
          (link) => dispatch({ type: 'opened', attempt, link }),
          (error: unknown) => dispatch({ type: 'open-failed', attempt, error }),
        );
        return;
      }
      case 'close':
        return effect.link.close();
      case 'adopt':
        void effect.link.ended.then((error) =>
          dispatch({ type: 'ended', attempt: effect.attempt, error }),
        );
        void announce(effect.attempt, effect.link, ++generation);
        return;
      case 'wait':
        timer = setTimeout(() => dispatch({ type: 'retry-due' }), effect.ms);
        return;
      case 'forget':
        return deps.onForget();
    }
  }

  async function announce(attempt: Attempt, link: L, count: number): Promise<void> {
    for (const listener of [...listeners]) {
      try {
        await listener(link, count);
      } catch (failure) {
        // A drop mid-listing arrives as the session's end. A reply that breaks
        // the rules (a LIST with a negative size) leaves the session useless:
        // end it and say why, rather than sit "ready" with no list.
        if (deps.isBroken(failure)) {
          dispatch({ type: 'ended', attempt, error: failure });
          return;
        }
      }
    }
  }

  /** Dispatch `event`; the ready session it takes out of service, for the caller to end. */
  function detach(event: LinkEvent<L>): L | undefined {
    const before = state.value;
    dispatch(event);
    return before.kind === 'ready' && state.value !== before ? before.link : undefined;
  }

  deps.network?.onOnline(() => dispatch({ type: 'retry-now' }));
  deps.network?.onOffline?.(() => dispatch({ type: 'offline' }));

  return {
    state,
    current() {
      const now = state.value;
      return now.kind === 'ready' ? now.link : undefined;
    },
    async signIn() {
      generation = 0;
      dispatch({ type: 'sign-in' });
      const first = state.value;
      await until((now) => now !== first);
      const after = state.value;
      if (after.kind !== 'signed-out' || after.error === undefined) return;
      // Openers reject with typed errors; anything else is wrapped, never lost.
      throw after.error instanceof Error
        ? after.error
        : new Error('sign-in failed', { cause: after.error });
    },
    lockRefused: () => dispatch({ type: 'lock-refused' }),
    async takeOver() {
      dispatch({ type: 'take-over' });
      await until((now) => now.kind !== 'connecting');
    },
    async signOut() {
      const link = detach({ type: 'sign-out' });
      const isCommitted = link
        ? await endSession(link, deps.quitTimeoutMs ?? QUIT_TIMEOUT_MS)
        : false;
      dispatch({ type: 'signed-out' });
      return isCommitted;
    },
    async handOver() {
      const link = detach({ type: 'lock-lost' });
      // Release the mailbox for the other tab; QUIT commits only DELEs the commit flow sent.
      if (link) await endSession(link, deps.quitTimeoutMs ?? QUIT_TIMEOUT_MS);
    },
    retryNow: () => dispatch({ type: 'retry-now' }),
    beginCommit: () => detach({ type: 'commit' }),
    reopen: () => dispatch({ type: 'reopen' }),
    settled: () => until((now) => !isOpening(now)),
    onReady(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
