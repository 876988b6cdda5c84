// Messages per user and per client address per hour (docs/security.md #65),
// counted at MAIL FROM: every transaction the gateway lets start counts,
// whether or not the server later accepts it, so pipelined or reset
// transactions cannot get past the cap. In memory, per gateway process.

import { addressKey } from './network.ts';

export interface SendLimits {
  smtpMessagesPerUserHour: number;
  smtpMessagesPerAddressHour: number;
}

const HOUR_MS = 3_600_000;
/** Keys kept at most; past it the oldest windows are dropped, never the process's memory. */
const MAX_KEYS = 100_000;

export type SendVerdict = { ok: true } | { ok: false; by: 'user' | 'address'; retryAfterS: number };

export class SendQuota {
  private readonly sends = new Map<string, number[]>();

  constructor(
    private readonly limits: SendLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Take `count` messages for `ip` and, when known, `target`+`user`; all or
   * nothing. A refusal names which cap was reached and when a slot frees.
   */
  take(ip: string, target: string, user: string | undefined, count: number): SendVerdict {
    const now = this.now();
    const keys: [string, number, 'user' | 'address'][] = [
      [`a\u0000${addressKey(ip)}`, this.limits.smtpMessagesPerAddressHour, 'address'],
    ];
    if (user !== undefined) {
      keys.push([`u\u0000${target}\u0000${user}`, this.limits.smtpMessagesPerUserHour, 'user']);
    }
    for (const [key, cap, by] of keys) {
      const times = this.recent(key, now);
      if (times.length + count > cap) {
        const oldest = times[Math.max(0, times.length + count - cap - 1)] ?? now;
        return {
          ok: false,
          by,
          retryAfterS: Math.max(1, Math.ceil((oldest + HOUR_MS - now) / 1000)),
        };
      }
    }
    for (const [key] of keys) {
      const times = this.recent(key, now);
      for (let i = 0; i < count; i++) times.push(now);
      this.sends.delete(key);
      this.sends.set(key, times);
    }
    // Oldest first: a Map iterates in insertion order.
    for (const key of this.sends.keys()) {
      if (this.sends.size <= MAX_KEYS) break;
      this.sends.delete(key);
    }
    return { ok: true };
  }

  private recent(key: string, now: number): number[] {
    const times = (this.sends.get(key) ?? []).filter((at) => at > now - HOUR_MS);
    if (times.length === 0) this.sends.delete(key);
    return times;
  }
}
