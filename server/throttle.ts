// Per-address admission (SECURITY.md items 20 and 28): open sessions per
// address and in all, a token bucket of upgrades per minute, and bans after
// repeated failed logins (per address, and per server+user). In memory, with
// bounded maps; the clock is injected so tests need no waiting.

import type { Limits } from './config-keys.ts';

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
>;

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

export class Throttle {
  private readonly open = new Map<string, number>();
  private openTotal = 0;
  private readonly buckets = new Map<string, Bucket>();
  private readonly ipFailures = new Map<string, Failures>();
  private readonly userFailures = new Map<string, Failures>();

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Decide on a new upgrade from `ip`; on `ok` the caller must call release(ip) later. */
  admit(ip: string): Admission {
    const verdict = this.check(ip, true);
    if (!verdict.ok) return verdict;
    this.open.set(ip, (this.open.get(ip) ?? 0) + 1);
    this.openTotal += 1;
    return verdict;
  }

  /**
   * What admit(ip) would answer now, spending nothing: a browser cannot read
   * the status of a refused upgrade, so the page asks this to say why.
   */
  peek(ip: string): Admission {
    return this.check(ip, false);
  }

  private check(ip: string, isSpending: boolean): Admission {
    const now = this.now();
    const ban = this.ipFailures.get(ip)?.bannedUntil ?? 0;
    if (ban > now) return refuse(429, 'banned', ban - now);
    // A peek never creates state for an address it has not seen.
    const bucket = isSpending || this.buckets.has(ip) ? this.refill(ip, now) : undefined;
    if (bucket && bucket.tokens < 1) {
      const perMs = this.limits.upgradesPerMinute / 60_000;
      return refuse(429, 'rate', (1 - bucket.tokens) / perMs);
    }
    if (bucket && isSpending) bucket.tokens -= 1;
    if ((this.open.get(ip) ?? 0) >= this.limits.maxSessionsPerIp)
      return refuse(429, 'per_ip', 1000);
    if (this.openTotal >= this.limits.maxSessions) return refuse(503, 'global', 1000);
    return { ok: true };
  }

  release(ip: string): void {
    const count = this.open.get(ip) ?? 0;
    if (count <= 1) this.open.delete(ip);
    else this.open.set(ip, count - 1);
    this.openTotal = Math.max(0, this.openTotal - 1);
  }

  /** Count a failed login; returns whether the address is now banned. */
  recordAuthFailure(ip: string, target: string, user: string | undefined): boolean {
    const now = this.now();
    if (user !== undefined) {
      this.count(
        this.userFailures,
        `${target}\u0000${user}`,
        now,
        this.limits.authUserFailureLimit,
      );
    }
    return this.count(this.ipFailures, ip, now, this.limits.authFailureLimit);
  }

  /** True while `user` on `target` is refused after too many failures from anywhere. */
  isUserBlocked(target: string, user: string): boolean {
    return (this.userFailures.get(`${target}\u0000${user}`)?.bannedUntil ?? 0) > this.now();
  }

  /** Sessions open from `ip` (for tests and metrics). */
  openFrom(ip: string): number {
    return this.open.get(ip) ?? 0;
  }

  private refill(ip: string, now: number): Bucket {
    const capacity = this.limits.upgradesPerMinute;
    const bucket = this.buckets.get(ip);
    if (!bucket) {
      const fresh = { tokens: capacity, at: now };
      bound(this.buckets, (entry) => entry.tokens >= capacity);
      this.buckets.set(ip, fresh);
      return fresh;
    }
    const perMs = capacity / 60_000;
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    return bucket;
  }

  private count(map: Map<string, Failures>, key: string, now: number, limit: number): boolean {
    const since = now - this.limits.authFailureWindowMs;
    let entry = map.get(key);
    if (!entry) {
      bound(map, (old) => old.bannedUntil <= now && (old.times.at(-1) ?? 0) < since);
      entry = { times: [], bannedUntil: 0 };
      map.set(key, entry);
    }
    entry.times = entry.times.filter((time) => time > since);
    entry.times.push(now);
    if (entry.times.length > limit) entry.times.shift();
    if (entry.times.length >= limit) entry.bannedUntil = now + this.limits.authBanMs;
    return entry.bannedUntil > now;
  }
}

function refuse(status: 429 | 503, reason: Exclude<Admission, { ok: true }>['reason'], ms: number) {
  return { ok: false, status, reason, retryAfterS: Math.max(1, Math.ceil(ms / 1000)) } as const;
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
