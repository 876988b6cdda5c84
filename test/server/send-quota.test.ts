// The hourly send caps (docs/security.md #65) on a fake clock: per address
// across users, per user across addresses (IPv6 by /64), all or nothing,
// and a slot frees an hour after it was taken.

import { describe, expect, it } from 'vitest';
import { SendQuota } from '../../server/send-quota.ts';

function quota(perUser: number, perAddress: number) {
  let now = 1_000_000;
  const q = new SendQuota(
    { smtpMessagesPerUserHour: perUser, smtpMessagesPerAddressHour: perAddress },
    () => now,
  );
  return { q, advance: (ms: number) => (now += ms) };
}

describe('SendQuota', () => {
  it('caps messages per user across addresses, and frees a slot after an hour', () => {
    const { q, advance } = quota(2, 100);
    expect(q.take('10.0.0.1', 'main', 'ann', 1)).toEqual({ ok: true });
    advance(60_000);
    expect(q.take('10.0.0.2', 'main', 'ann', 1)).toEqual({ ok: true });
    expect(q.take('10.0.0.3', 'main', 'ann', 1)).toEqual({
      ok: false,
      by: 'user',
      retryAfterS: 3540,
    });
    // Another server's "ann" is another person.
    expect(q.take('10.0.0.3', 'other', 'ann', 1)).toEqual({ ok: true });
    advance(3_540_001);
    expect(q.take('10.0.0.3', 'main', 'ann', 1)).toEqual({ ok: true });
  });

  it('caps messages per address across users, IPv6 by /64', () => {
    const { q } = quota(100, 2);
    expect(q.take('2001:db8::1', 'main', 'ann', 1).ok).toBe(true);
    expect(q.take('2001:db8::2', 'main', 'bob', 1).ok).toBe(true);
    expect(q.take('2001:db8::3', 'main', undefined, 1)).toMatchObject({ ok: false, by: 'address' });
    expect(q.take('2001:db8:1::3', 'main', undefined, 1).ok).toBe(true);
  });

  it('takes pipelined messages all or nothing', () => {
    const { q } = quota(3, 100);
    expect(q.take('10.0.0.1', 'main', 'ann', 4).ok).toBe(false);
    expect(q.take('10.0.0.1', 'main', 'ann', 3).ok).toBe(true);
    expect(q.take('10.0.0.1', 'main', 'ann', 1).ok).toBe(false);
  });
});
