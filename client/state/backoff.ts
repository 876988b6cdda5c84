// Reconnect delays: exponential with jitter, capped, so a gateway restart does
// not bring every browser back in the same second.

export interface BackoffOptions {
  /** Delay of the first retry. */
  baseMs: number;
  maxMs: number;
  /** ±fraction of randomness around the exponential value. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 30_000, jitter: 0.2 };

/** The wait before retry number `attempt` (0 for the first retry). `random` returns [0, 1). */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  const factor = 1 + options.jitter * (2 * random() - 1);
  return Math.round(Math.min(options.maxMs, exponential * factor));
}
