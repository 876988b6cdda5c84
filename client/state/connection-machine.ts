// The life of a session as one state value and one pure transition function:
// which session is live, what happens when it opens, fails, drops or is
// handed back. The only answer to "is this still the live session?" is
// `isCurrent`: every result names the attempt it belongs to. Knows no
// sockets, timers, locks or protocols; session-lifecycle.ts runs the effects.

declare const attemptBrand: unique symbol;
/** One attempt to open a session; results for any other attempt are stale. */
export type Attempt = { readonly [attemptBrand]: true };

export type LinkState<L> =
  /** No credentials. `error`: why the last sign-in ended, if it failed. */
  | { kind: 'signed-out'; error: unknown }
  /** The first session of a sign-in or of a take-over is opening. */
  | { kind: 'connecting'; attempt: Attempt; isFirst: boolean }
  | { kind: 'ready'; attempt: Attempt; link: L }
  /**
   * The session is being ended so that its work takes effect (POP3 deletes at
   * QUIT), then the next one opens: `quitting` while QUIT runs (its caller
   * ends it), then `attempt` while the next session opens.
   */
  | { kind: 'committing'; quitting: L; attempt?: undefined }
  | { kind: 'committing'; attempt: Attempt; quitting?: undefined }
  /** Waiting until `retryAt`, or trying (`attempt`). `retries` sets the backoff. */
  | { kind: 'reconnecting'; retries: number; error: unknown; retryAt: number; attempt?: undefined }
  | { kind: 'reconnecting'; retries: number; error: unknown; attempt: Attempt; retryAt?: undefined }
  /** Retrying cannot help (a refused certificate) or the browser is offline: wait for a nudge. */
  | { kind: 'lost'; error: unknown }
  /** Another tab holds the mailbox (one POP3 session per mailbox). */
  | { kind: 'held-elsewhere' }
  /** The session is being ended for good; credentials go next. */
  | { kind: 'signing-out' };

export type LinkEvent<L> =
  | { type: 'sign-in' }
  /** Another tab held the mailbox when this one signed in. */
  | { type: 'lock-refused' }
  | { type: 'take-over' }
  | { type: 'opened'; attempt: Attempt; link: L }
  | { type: 'open-failed'; attempt: Attempt; error: unknown }
  /** The session ended by itself, or a reply left it useless. */
  | { type: 'ended'; attempt: Attempt; error: unknown }
  | { type: 'retry-due' }
  /** "Try again", or the browser came back online. */
  | { type: 'retry-now' }
  | { type: 'offline' }
  | { type: 'commit' }
  /** The committing session's QUIT is over, answered or not. */
  | { type: 'reopen' }
  /** Another tab took the mailbox over. */
  | { type: 'lock-lost' }
  | { type: 'sign-out' }
  | { type: 'signed-out' };

export type LinkEffect<L> =
  | { type: 'open'; attempt: Attempt }
  | { type: 'close'; link: L }
  /** Watch the session's end and hand it to the stores. */
  | { type: 'adopt'; attempt: Attempt; link: L }
  /** Dispatch `retry-due` after `ms`. */
  | { type: 'wait'; ms: number }
  /** The sign-in is over: drop the credentials and the mailbox lock. */
  | { type: 'forget' };

/** What the machine asks of the world to decide about a failure. */
export interface RetryPolicy {
  now: () => number;
  isOnline: () => boolean;
  /** The password was refused: retrying would only add failed logins. */
  isCredentialFailure: (error: unknown) => boolean;
  /** A new session later may work without anyone changing anything. */
  isRetryable: (error: unknown) => boolean;
  /** The wait the other end asked for (a gateway going away), if it did. */
  requestedDelay: (error: unknown) => number | undefined;
  /** The wait before retry number `retries` (0 first). */
  backoff: (retries: number) => number;
}

export interface Step<L> {
  state: LinkState<L>;
  effects: LinkEffect<L>[];
}

/** Whether a result for `attempt` belongs to the session `state` is about. */
export function isCurrent<L>(state: LinkState<L>, attempt: Attempt): boolean {
  return 'attempt' in state && state.attempt === attempt;
}

const newAttempt = (): Attempt => Object.freeze({}) as Attempt;

/** Enter `state`, built around a fresh attempt, and open that attempt's session. */
function opening<L>(make: (attempt: Attempt) => LinkState<L>): Step<L> {
  const attempt = newAttempt();
  return { state: make(attempt), effects: [{ type: 'open', attempt }] };
}

/** A state that forgets a live session nobody else will end: close it. */
function leaving<L>(from: LinkState<L>, to: LinkState<L>, effects: LinkEffect<L>[] = []): Step<L> {
  const link = from.kind === 'ready' ? from.link : undefined;
  return { state: to, effects: link ? [{ type: 'close', link }, ...effects] : effects };
}

/** After a failure that a later session may not share: wait and retry, or stop at `lost`. */
function retry<L>(from: LinkState<L>, error: unknown, policy: RetryPolicy): Step<L> {
  // The reason shown stays the last one known when this failure has none.
  const reason = error ?? ('error' in from ? from.error : undefined);
  if ((error !== undefined && !policy.isRetryable(error)) || !policy.isOnline()) {
    return { state: { kind: 'lost', error: reason }, effects: [] };
  }
  const retries = from.kind === 'reconnecting' ? from.retries : 0;
  const asked = error === undefined ? undefined : policy.requestedDelay(error);
  const ms = asked ?? policy.backoff(retries);
  return {
    state: {
      kind: 'reconnecting',
      // A delay the gateway asked for is not a failed attempt: the backoff stays.
      retries: asked === undefined ? retries + 1 : retries,
      error: reason,
      retryAt: policy.now() + ms,
    },
    effects: [{ type: 'wait', ms }],
  };
}

const STAY = Symbol('stay');

function next<L>(
  state: LinkState<L>,
  event: LinkEvent<L>,
  policy: RetryPolicy,
): Step<L> | typeof STAY {
  switch (event.type) {
    case 'sign-in': {
      const { state: to, effects } = opening<L>((attempt) => ({
        kind: 'connecting',
        attempt,
        isFirst: true,
      }));
      return leaving(state, to, effects);
    }
    case 'lock-refused':
      return leaving(state, { kind: 'held-elsewhere' });
    case 'take-over':
      if (state.kind !== 'held-elsewhere') return STAY;
      return opening((attempt) => ({ kind: 'connecting', attempt, isFirst: false }));
    case 'opened':
      if (!isCurrent(state, event.attempt)) {
        return { state, effects: [{ type: 'close', link: event.link }] };
      }
      return {
        state: { kind: 'ready', attempt: event.attempt, link: event.link },
        effects: [{ type: 'adopt', attempt: event.attempt, link: event.link }],
      };
    case 'open-failed':
      if (!isCurrent(state, event.attempt)) return STAY;
      // The first session of a sign-in reports to the person at the form;
      // later ones sign out only when the password itself was refused.
      if (
        (state.kind === 'connecting' && state.isFirst) ||
        policy.isCredentialFailure(event.error)
      ) {
        return { state: { kind: 'signed-out', error: event.error }, effects: [{ type: 'forget' }] };
      }
      return retry(state, event.error, policy);
    case 'ended': {
      if (state.kind !== 'ready' || !isCurrent(state, event.attempt)) return STAY;
      const after = retry(state, event.error, policy);
      return { ...after, effects: [{ type: 'close', link: state.link }, ...after.effects] };
    }
    case 'retry-due':
      if (state.kind !== 'reconnecting' || state.attempt) return STAY;
      return opening((attempt) => ({ ...state, retryAt: undefined, attempt }));
    case 'retry-now':
      if (state.kind === 'lost' || (state.kind === 'reconnecting' && !state.attempt)) {
        const { error } = state;
        return opening((attempt) => ({ kind: 'reconnecting', retries: 0, error, attempt }));
      }
      return STAY;
    case 'offline': {
      // Chromium keeps a WebSocket open through a lost network and only holds
      // its frames: close the session; its end then takes the usual path.
      const link =
        state.kind === 'ready'
          ? state.link
          : state.kind === 'committing'
            ? state.quitting
            : undefined;
      return link ? { state, effects: [{ type: 'close', link }] } : STAY;
    }
    case 'commit':
      if (state.kind !== 'ready') return STAY;
      return { state: { kind: 'committing', quitting: state.link }, effects: [] };
    case 'reopen':
      if (state.kind !== 'committing' || !state.quitting) return STAY;
      return opening((attempt) => ({ kind: 'committing', attempt }));
    case 'lock-lost':
      if (
        state.kind === 'signed-out' ||
        state.kind === 'signing-out' ||
        state.kind === 'held-elsewhere'
      ) {
        return STAY;
      }
      // The caller ends a ready session (endSession); a committing one is being ended already.
      return { state: { kind: 'held-elsewhere' }, effects: [] };
    case 'sign-out':
      return { state: { kind: 'signing-out' }, effects: [] };
    case 'signed-out':
      if (state.kind !== 'signing-out') return STAY;
      return { state: { kind: 'signed-out', error: undefined }, effects: [{ type: 'forget' }] };
  }
}

/**
 * The next state after `event`, and what the runner must do. An event that
 * means nothing in `state` returns `state` itself and no effects.
 */
export function step<L>(state: LinkState<L>, event: LinkEvent<L>, policy: RetryPolicy): Step<L> {
  const result = next(state, event, policy);
  return result === STAY ? { state, effects: [] } : result;
}
