// Per-address admission and the failed-login allowance (docs/security.md,
// "Login limits"): open sessions per address and in all, a token bucket of
// upgrades per minute, and login attempts spent when they are relayed, not
// when the server answers. Addresses count by addressKey (IPv6 by /64),
// accounts by accountKey. In memory, bounded; the clock is injected so tests
// need no waiting. Knows no POP3 and no WebSocket.

import type { Limits } from './config-keys.ts';
import { addressKey } from './network.ts';

export type Admission =
  | { ok: true }
  | {
      ok: false;
      status: 429 | 503;
      reason: 'banned' | 'rate' | 'per_ip' | 'global';
      retryAfterS: number;
    };

type ThrottleLimits = Pick<
  Limits,
  | 'maxSessions'
  | 'maxSessionsPerIp'
  | 'upgradesPerMinute'
  | 'authFailureLimit'
  | 'authUserFailureLimit'
  | 'authFailureWindowMs'
  | 'authBanMs'
  | 'authDelayMs'
>;

/** One login attempt (PASS, APOP or an AUTH exchange) from relay to answer. */
export interface Attempt {
  readonly address: string;
  readonly target: string;
  account: string | undefined;
  isSettled: boolean;
}

/**
 * Why an attempt may not be relayed now: `banned`, the address used its
 * allowance or is banned; `account`, this address already failed for an
 * account under attack from many places.
 */
export interface AttemptRefusal {
  ok: false;
  reason: 'banned' | 'account';
  retryAfterS: number;
}

/** Relay this attempt no sooner than in `waitMs` (the growing per-pair delay). */
export interface AttemptWait {
  ok: 'wait';
  waitMs: number;
}

export type AttemptVerdict = { ok: true } | AttemptRefusal | AttemptWait;

/** What a ban covers, told to every open session so those still signing in end. */
export type Ban =
  { kind: 'address'; address: string } | { kind: 'account'; target: string; account: string };

interface Bucket {
  tokens: number;
  at: number;
}

interface Failures {
  times: number[];
  bannedUntil: number;
}

/** Enough for a busy gateway; an attacker rotating addresses cannot grow memory past it. */
const MAX_TRACKED = 100_000;
/** The per-pair delay doubles with each failure up to this many times the base (Dovecot: 15 s). */
const MAX_DELAY_FACTOR = 16;

export class Throttle {
  private readonly open = new Map<string, number>();
  private openTotal = 0;
  private readonly buckets = new Map<string, Bucket>();
  private readonly addressFailures = new Map<string, Failures>();
  private readonly accountFailures = new Map<string, Failures>();
  private readonly pairFailures = new Map<string, Failures>();
  private readonly inFlight = new Map<string, number>();
  private readonly banListeners = new Set<(ban: Ban) => void>();

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Decide on a new upgrade from `ip`; on `ok` the caller must call release(ip) later. */
  admit(ip: string): Admission {
    const key = addressKey(ip);
    const verdict = this.check(key, true);
    if (!verdict.ok) return verdict;
    this.open.set(key, (this.open.get(key) ?? 0) + 1);
    this.openTotal += 1;
    return verdict;
  }

  /**
   * What admit(ip) would answer now, spending nothing: a browser cannot read
   * the status of a refused upgrade, so the page asks this to say why.
   */
  peek(ip: string): Admission {
    return this.check(addressKey(ip), false);
  }

  release(ip: string): void {
    const key = addressKey(ip);
    const count = this.open.get(key) ?? 0;
    if (count <= 1) this.open.delete(key);
    else this.open.set(key, count - 1);
    this.openTotal = Math.max(0, this.openTotal - 1);
  }

  /** Sessions open from `ip`'s address key (for tests and metrics). */
  openFrom(ip: string): number {
    return this.open.get(addressKey(ip)) ?? 0;
  }

  /** Listen for bans; returns the unsubscribe function. */
  onBan(listener: (ban: Ban) => void): () => void {
    this.banListeners.add(listener);
    return () => this.banListeners.delete(listener);
  }

  /**
   * Ask to relay a login attempt. On `ok` the attempt is in flight and counts
   * against the address's allowance until settle() says how it ended.
   */
  startAttempt(
    ip: string,
    target: string,
    account: string | undefined,
  ): { ok: true; attempt: Attempt } | AttemptRefusal | AttemptWait {
    const address = addressKey(ip);
    const now = this.now();
    const failures = this.addressFailures.get(address);
    const banned = failures?.bannedUntil ?? 0;
    if (banned > now) return refuseAttempt('banned', banned - now);
    const spent = this.recent(failures, now).length + (this.inFlight.get(address) ?? 0);
    if (spent >= this.limits.authFailureLimit) {
      return refuseAttempt('banned', this.limits.authFailureWindowMs);
    }
    if (account !== undefined) {
      const verdict = this.checkAccount(address, target, account, now);
      if (verdict.ok !== true) return verdict;
    }
    this.inFlight.set(address, (this.inFlight.get(address) ?? 0) + 1);
    return { ok: true, attempt: { address, target, account, isSettled: false } };
  }

  /** The account of an attempt became known (the first SASL response names it). */
  nameAttempt(attempt: Attempt, account: string): AttemptVerdict {
    attempt.account = account;
    return this.checkAccount(attempt.address, attempt.target, account, this.now());
  }

  /** Whether a session from `ip` still signing in as `account` may go on now. */
  maySignIn(ip: string, target: string, account: string | undefined): boolean {
    const address = addressKey(ip);
    const now = this.now();
    if ((this.addressFailures.get(address)?.bannedUntil ?? 0) > now) return false;
    if (account === undefined) return true;
    return this.checkAccount(address, target, account, now).ok !== false;
  }

  /**
   * How an attempt ended. `failed` counts toward every limit; `ok` and
   * `neutral` (busy, cancelled, or moot) only free the allowance.
   */
  settle(attempt: Attempt, outcome: 'failed' | 'ok' | 'neutral'): void {
    if (attempt.isSettled) return;
    attempt.isSettled = true;
    const { address, target, account } = attempt;
    const left = (this.inFlight.get(address) ?? 1) - 1;
    if (left <= 0) this.inFlight.delete(address);
    else this.inFlight.set(address, left);
    if (outcome !== 'failed') return;
    const now = this.now();
    const { authFailureLimit, authUserFailureLimit, authBanMs } = this.limits;
    const byAddress = this.count(this.addressFailures, address, now, authFailureLimit);
    if (byAddress.times.length >= authFailureLimit && byAddress.bannedUntil <= now) {
      byAddress.bannedUntil = now + authBanMs;
      this.emit({ kind: 'address', address });
    }
    if (account === undefined) return;
    this.count(this.pairFailures, pairKey(address, target, account), now, MAX_DELAY_FACTOR);
    const byAccount = this.count(
      this.accountFailures,
      accountKey(target, account),
      now,
      authUserFailureLimit,
    );
    if (byAccount.times.length >= authUserFailureLimit) {
      this.emit({ kind: 'account', target, account });
    }
  }

  private check(key: string, isSpending: boolean): Admission {
    const now = this.now();
    const ban = this.addressFailures.get(key)?.bannedUntil ?? 0;
    if (ban > now) return refuse(429, 'banned', ban - now);
    // A peek never creates state for an address it has not seen.
    const bucket = isSpending || this.buckets.has(key) ? this.refill(key, now) : undefined;
    if (bucket && bucket.tokens < 1) {
      const perMs = this.limits.upgradesPerMinute / 60_000;
      return refuse(429, 'rate', (1 - bucket.tokens) / perMs);
    }
    if (bucket && isSpending) bucket.tokens -= 1;
    if ((this.open.get(key) ?? 0) >= this.limits.maxSessionsPerIp)
      return refuse(429, 'per_ip', 1000);
    if (this.openTotal >= this.limits.maxSessions) return refuse(503, 'global', 1000);
    return { ok: true };
  }

  /**
   * No stranger can lock an account out: failures from elsewhere never
   * refuse an address that has not failed for it. Failures of this pair
   * slow it down (a doubling delay), and once the account is under attack
   * from many places, a pair that failed waits until its failures age out.
   */
  private checkAccount(
    address: string,
    target: string,
    account: string,
    now: number,
  ): AttemptVerdict {
    const pair = this.pairFailures.get(pairKey(address, target, account));
    const pairTimes = this.recent(pair, now);
    if (pairTimes.length === 0) return { ok: true };
    const accountTimes = this.recent(this.accountFailures.get(accountKey(target, account)), now);
    const { authFailureWindowMs, authUserFailureLimit, authDelayMs } = this.limits;
    if (accountTimes.length >= authUserFailureLimit) {
      const last = pairTimes.at(-1) ?? now;
      return refuseAttempt('account', last + authFailureWindowMs - now);
    }
    const factor = Math.min(MAX_DELAY_FACTOR, 2 ** (pairTimes.length - 1));
    const waitMs = (pairTimes.at(-1) ?? now) + authDelayMs * factor - now;
    return waitMs > 0 ? { ok: 'wait', waitMs } : { ok: true };
  }

  private recent(entry: Failures | undefined, now: number): number[] {
    if (!entry) return [];
    const since = now - this.limits.authFailureWindowMs;
    entry.times = entry.times.filter((time) => time > since);
    return entry.times;
  }

  private refill(key: string, now: number): Bucket {
    const capacity = this.limits.upgradesPerMinute;
    const bucket = this.buckets.get(key);
    if (!bucket) {
      const fresh = { tokens: capacity, at: now };
      bound(this.buckets, (entry) => entry.tokens >= capacity);
      this.buckets.set(key, fresh);
      return fresh;
    }
    const perMs = capacity / 60_000;
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    return bucket;
  }

  private count(map: Map<string, Failures>, key: string, now: number, keep: number): Failures {
    const since = now - this.limits.authFailureWindowMs;
    let entry = map.get(key);
    if (!entry) {
      bound(map, (old) => old.bannedUntil <= now && (old.times.at(-1) ?? 0) < since);
      entry = { times: [], bannedUntil: 0 };
      map.set(key, entry);
    }
    this.recent(entry, now).push(now);
    if (entry.times.length > keep) entry.times.shift();
    return entry;
  }

  private emit(ban: Ban): void {
    for (const listener of this.banListeners) listener(ban);
  }
}

function pairKey(address: string, target: string, account: string): string {
  return `${address}\u0000${target}\u0000${account}`;
}

function accountKey(target: string, account: string): string {
  return `${target}\u0000${account}`;
}

function refuse(status: 429 | 503, reason: Exclude<Admission, { ok: true }>['reason'], ms: number) {
  return { ok: false, status, reason, retryAfterS: Math.max(1, Math.ceil(ms / 1000)) } as const;
}

function refuseAttempt(reason: 'banned' | 'account', ms: number): AttemptRefusal {
  return { ok: false, reason, retryAfterS: Math.max(1, Math.ceil(ms / 1000)) };
}

/** Keep a map under MAX_TRACKED: drop stale entries, then the oldest. */
function bound<T>(map: Map<string, T>, isStale: (entry: T) => boolean): void {
  if (map.size < MAX_TRACKED) return;
  for (const [key, entry] of map) if (isStale(entry)) map.delete(key);
  for (const key of map.keys()) {
    if (map.size < MAX_TRACKED) break;
    map.delete(key);
  }
}
