// Admission and ban arithmetic with a fake clock (SECURITY.md items 20, 28),
// the address helpers (items 23, 24) and the error → close code table.

import { describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../../shared/bridge/messages.ts';
import { sessionEnding } from '../../../server/errors.ts';
import { compileTrust, isPrivateAddress, isPublicBind } from '../../../server/network.ts';
import { Throttle } from '../../../server/throttle.ts';

const LIMITS = {
  maxSessions: 3,
  maxSessionsPerIp: 2,
  upgradesPerMinute: 4,
  authFailureLimit: 3,
  authUserFailureLimit: 5,
  authFailureWindowMs: 60_000,
  authBanMs: 120_000,
};

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
    expect(t.recordAuthFailure('a', 'main', 'alice')).toBe(false);
    advance(61_000); // the first failure leaves the window
    expect(t.recordAuthFailure('a', 'main', 'alice')).toBe(false);
    expect(t.recordAuthFailure('a', 'main', 'alice')).toBe(false);
    expect(t.recordAuthFailure('a', 'main', 'alice')).toBe(true);
    expect(t.admit('a')).toMatchObject({
      ok: false,
      status: 429,
      reason: 'banned',
      retryAfterS: 120,
    });
    expect(t.admit('b').ok).toBe(true);
    advance(120_001);
    expect(t.admit('a').ok).toBe(true);
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
    for (let i = 0; i < 3; i++) t.recordAuthFailure('b', 'main', 'bob');
    expect(t.peek('b')).toEqual({ ok: false, status: 429, reason: 'banned', retryAfterS: 120 });
    expect(t.admit('c').ok).toBe(true);
    expect(t.admit('c').ok).toBe(true);
    expect(t.peek('c')).toMatchObject({ ok: false, reason: 'per_ip' });
  });

  it('blocks one account failing from many addresses', () => {
    const { throttle: t, advance } = throttle();
    for (let i = 0; i < 5; i++) t.recordAuthFailure(`10.0.0.${i}`, 'main', 'alice');
    expect(t.isUserBlocked('main', 'alice')).toBe(true);
    expect(t.isUserBlocked('other', 'alice')).toBe(false);
    expect(t.isUserBlocked('main', 'bob')).toBe(false);
    advance(120_001);
    expect(t.isUserBlocked('main', 'alice')).toBe(false);
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

  it('compileTrust follows express: false, hop counts, lists', () => {
    expect(compileTrust(false)('127.0.0.1', 0)).toBe(false);
    expect(compileTrust(1)('203.0.113.1', 0)).toBe(true);
    expect(compileTrust(1)('203.0.113.1', 1)).toBe(false);
    expect(compileTrust(['loopback'])('127.0.0.1', 0)).toBe(true);
    expect(compileTrust(['loopback'])('10.0.0.1', 0)).toBe(false);
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
