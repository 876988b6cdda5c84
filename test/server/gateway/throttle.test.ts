// Admission and ban arithmetic with a fake clock (docs/security.md #20, #28),
// the address helpers (docs/security.md #23, #24) and the error → close code table.

import { describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../../shared/bridge/messages.ts';
import { sessionEnding } from '../../../server/errors.ts';
import {
  addressKey,
  compileTrust,
  isPrivateAddress,
  isPublicBind,
} from '../../../server/network.ts';
import { Throttle, type Ban } from '../../../server/throttle.ts';

const LIMITS = {
  maxSessions: 3,
  maxSessionsPerIp: 2,
  upgradesPerMinute: 4,
  authFailureLimit: 3,
  authUserFailureLimit: 5,
  authFailureWindowMs: 60_000,
  authBanMs: 120_000,
  authDelayMs: 1000,
};

/** One failed attempt, relayed and answered -ERR. */
function fail(t: Throttle, ip: string, user?: string, target = 'main'): void {
  const verdict = t.startAttempt(ip, target, user);
  if (verdict.ok !== true) throw new Error(`attempt refused: ${JSON.stringify(verdict)}`);
  t.settle(verdict.attempt, 'failed');
}

function throttle(): { throttle: Throttle; advance: (ms: number) => void } {
  let now = 1_000_000;
  return { throttle: new Throttle(LIMITS, () => now), advance: (ms) => (now += ms) };
}

describe('Throttle', () => {
  it('caps concurrent sessions per address and in all', () => {
    const { throttle: t } = throttle();
    expect(t.admit('a').ok).toBe(true);
    expect(t.admit('a').ok).toBe(true);
    expect(t.admit('a')).toMatchObject({ ok: false, status: 429, reason: 'per_ip' });
    expect(t.admit('b').ok).toBe(true);
    expect(t.admit('c')).toMatchObject({ ok: false, status: 503, reason: 'global' });
    t.release('a');
    expect(t.admit('c').ok).toBe(true);
    expect(t.openFrom('a')).toBe(1);
  });

  it('refills the upgrade bucket over time and says when to retry', () => {
    const { throttle: t, advance } = throttle();
    for (let i = 0; i < 4; i++) {
      expect(t.admit('a').ok).toBe(true);
      t.release('a');
    }
    expect(t.admit('a')).toEqual({ ok: false, status: 429, reason: 'rate', retryAfterS: 15 });
    advance(15_000);
    expect(t.admit('a').ok).toBe(true);
  });

  it('bans an address after N failures in the window, for the ban time', () => {
    const { throttle: t, advance } = throttle();
    const bans: Ban[] = [];
    t.onBan((ban) => bans.push(ban));
    fail(t, 'a', 'alice');
    advance(61_000); // the first failure leaves the window
    fail(t, 'a', 'alice');
    advance(1000);
    fail(t, 'a', 'alice');
    expect(bans).toEqual([]);
    advance(2000);
    fail(t, 'a', 'alice');
    expect(bans).toEqual([{ kind: 'address', address: 'a' }]);
    expect(t.admit('a')).toMatchObject({
      ok: false,
      status: 429,
      reason: 'banned',
      retryAfterS: 120,
    });
    expect(t.startAttempt('a', 'main', 'bob')).toMatchObject({ ok: false, reason: 'banned' });
    expect(t.maySignIn('a', 'main', undefined)).toBe(false);
    expect(t.admit('b').ok).toBe(true);
    advance(120_001);
    expect(t.admit('a').ok).toBe(true);
  });

  it('spends the allowance when an attempt is relayed, before any answer (finding 2)', () => {
    const { throttle: t } = throttle();
    const first = t.startAttempt('a', 'main', 'alice');
    const second = t.startAttempt('a', 'main', 'alice');
    const third = t.startAttempt('a', 'main', 'alice');
    expect([first.ok, second.ok, third.ok]).toEqual([true, true, true]);
    // Three in flight: the fourth is past the allowance of three.
    expect(t.startAttempt('a', 'main', 'alice')).toMatchObject({ ok: false, reason: 'banned' });
    // A success frees its share; a neutral answer (IN-USE) too.
    if (first.ok !== true || second.ok !== true) throw new Error('unreachable');
    t.settle(first.attempt, 'ok');
    t.settle(second.attempt, 'neutral');
    t.settle(second.attempt, 'failed'); // settling twice changes nothing
    expect(t.startAttempt('a', 'main', 'alice').ok).toBe(true);
  });

  it('slows one user and address pair down with a doubling delay', () => {
    const { throttle: t, advance } = throttle();
    fail(t, 'a', 'alice');
    expect(t.startAttempt('a', 'main', 'alice')).toEqual({ ok: 'wait', waitMs: 1000 });
    // Another user from the same address, or the same user elsewhere: no wait.
    expect(t.startAttempt('b', 'main', 'alice').ok).toBe(true);
    advance(1000);
    fail(t, 'a', 'alice');
    expect(t.startAttempt('a', 'main', 'alice')).toEqual({ ok: 'wait', waitMs: 2000 });
    advance(500);
    expect(t.startAttempt('a', 'main', 'alice')).toEqual({ ok: 'wait', waitMs: 1500 });
  });

  it('never locks an account out for an address that has not failed (finding 4)', () => {
    const { throttle: t, advance } = throttle();
    const bans: Ban[] = [];
    t.onBan((ban) => bans.push(ban));
    for (let i = 0; i < 5; i++) {
      fail(t, `10.0.0.${i}`, 'alice');
      advance(10);
    }
    expect(bans).toContainEqual({ kind: 'account', target: 'main', account: 'alice' });
    // An address that failed for alice may not try her again while the attack lasts…
    expect(t.startAttempt('10.0.0.1', 'main', 'alice')).toMatchObject({
      ok: false,
      reason: 'account',
    });
    expect(t.maySignIn('10.0.0.1', 'main', 'alice')).toBe(false);
    // …but her own address, which never failed, signs in; and other accounts are untouched.
    expect(t.startAttempt('192.0.2.9', 'main', 'alice').ok).toBe(true);
    expect(t.maySignIn('192.0.2.9', 'main', 'alice')).toBe(true);
    expect(t.startAttempt('10.0.0.1', 'main', 'bob').ok).toBe(true);
    advance(61_000);
    expect(t.startAttempt('10.0.0.1', 'main', 'alice').ok).toBe(true);
  });

  it('counts an IPv6 /64 as one address (finding 6)', () => {
    const { throttle: t } = throttle();
    fail(t, '2001:db8:1:2::1', 'a');
    fail(t, '2001:db8:1:2:ffff::9', 'b');
    fail(t, '2001:0db8:0001:0002:abcd::1', 'c');
    expect(t.admit('2001:db8:1:2::77')).toMatchObject({ ok: false, reason: 'banned' });
    expect(t.admit('2001:db8:1:3::1').ok).toBe(true);
    expect(t.admit('2001:db8:1:3::2').ok).toBe(true);
    expect(t.admit('2001:db8:1:3:1::3')).toMatchObject({ ok: false, reason: 'per_ip' });
  });

  it('peek answers what admit would, and spends nothing', () => {
    const { throttle: t } = throttle();
    for (let i = 0; i < 10; i++) expect(t.peek('a').ok).toBe(true);
    // Peeking left the whole bucket: four upgrades still fit the minute.
    for (let i = 0; i < 4; i++) {
      expect(t.admit('a').ok).toBe(true);
      t.release('a');
    }
    expect(t.peek('a')).toMatchObject({ ok: false, status: 429, reason: 'rate' });
    for (let i = 0; i < 3; i++) fail(t, 'b', `user${i}`);
    expect(t.peek('b')).toEqual({ ok: false, status: 429, reason: 'banned', retryAfterS: 120 });
    expect(t.admit('c').ok).toBe(true);
    expect(t.admit('c').ok).toBe(true);
    expect(t.peek('c')).toMatchObject({ ok: false, reason: 'per_ip' });
  });
});

describe('addresses', () => {
  it.each([
    ['127.0.0.1', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.9.8.7', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.0.1', true],
    ['100.64.1.1', true],
    ['fd12::1', true],
    ['fe80::1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['8.8.8.8', false],
    ['2001:db8::1', false],
    ['mail.example.org', false],
  ])('isPrivateAddress(%s) = %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
    expect(isPublicBind(address)).toBe(!expected);
  });

  it('compileTrust trusts the listed proxies only, never a hop count', () => {
    expect(compileTrust([])('127.0.0.1', 0)).toBe(false);
    expect(compileTrust(['loopback'])('127.0.0.1', 0)).toBe(true);
    expect(compileTrust(['loopback'])('10.0.0.1', 0)).toBe(false);
    expect(compileTrust(['10.0.0.5'])('10.0.0.5', 1)).toBe(true);
  });

  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:a:b:c:d:e:f', '2001:db8:a:b::/64'],
    ['2001:DB8:A:B::1', '2001:db8:a:b::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::ffff:1.2.3.4:5', '::ffff:1.2.3.4:5'],
  ])('addressKey(%s) = %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });
});

describe('sessionEnding', () => {
  it('maps each layer code to its close code and a message without internals', () => {
    expect(sessionEnding('UPSTREAM_TLS_EXPIRED')).toEqual({
      closeCode: CLOSE_CODES.TLS_EXPIRED,
      reason: 'tls_expired',
      message: 'The server certificate has expired.',
    });
    expect(sessionEnding('BRIDGE_VERB_FORBIDDEN', 'command STLS is not allowed').message).toBe(
      'A command line was refused. (command STLS is not allowed)',
    );
    expect(sessionEnding('GATEWAY_INTERNAL', 'TypeError: x is undefined').message).toBe(
      'The gateway failed.',
    );
  });
});
