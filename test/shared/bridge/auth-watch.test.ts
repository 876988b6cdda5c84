// The auth watch follows AUTHORIZATION replies (server bytes at every split)
// to report failed logins, SASL challenges and the move to TRANSACTION,
// without a secret in any event (SECURITY.md item 28).

import { describe, expect, it } from 'vitest';
import {
  AuthWatch,
  MAX_PENDING_BEFORE_LOGIN,
  type AuthEvent,
} from '../../../shared/bridge/auth-watch.ts';
import type { BridgeErrorCode } from '../../../shared/bridge/errors.ts';
import { LineGuard } from '../../../shared/bridge/line-guard.ts';
import { encodeBase64 } from '../../../shared/pop3/sasl/base64.ts';
import { encode, FEEDS } from '../../support/feed.ts';

type Step = { client: string } | { server: string };

interface Result {
  events: AuthEvent[];
  error?: BridgeErrorCode;
  isTransaction: boolean;
}

function play(steps: Step[], runsOf: Map<Step, Uint8Array[][]>, run: number): Result {
  const guard = new LineGuard();
  const watch = new AuthWatch(guard);
  const events: AuthEvent[] = [];
  for (const step of steps) {
    if ('client' in step) {
      const result = guard.push(encode(step.client));
      if (result.error) throw new Error(`guard refused ${step.client}: ${result.error.code}`);
      watch.sent(result.lines);
      continue;
    }
    const runs = runsOf.get(step) ?? [];
    for (const chunk of runs[Math.min(run, runs.length - 1)] ?? []) {
      const result = watch.receive(chunk);
      events.push(...result.events);
      if (result.error) return { events, error: result.error.code, isTransaction: false };
    }
  }
  return { events, isTransaction: watch.isTransaction };
}

/** Play the steps once per split of the server bytes; all runs must agree. */
function playAll(steps: Step[], split: (bytes: Uint8Array) => Uint8Array[][]): Result {
  const runsOf = new Map<Step, Uint8Array[][]>();
  for (const step of steps) if ('server' in step) runsOf.set(step, split(encode(step.server)));
  const longest = Math.max(1, ...[...runsOf.values()].map((runs) => runs.length));
  const first = play(steps, runsOf, 0);
  for (let run = 1; run < longest; run++) expect(play(steps, runsOf, run)).toEqual(first);
  return first;
}

const plain = (authz: string, user: string, password: string): string =>
  encodeBase64(encode(`${authz}\0${user}\0${password}`));

describe.each(FEEDS)('AuthWatch, server bytes fed %s', (_feed, split) => {
  it('reports a failed PASS with the USER name', () => {
    const result = playAll(
      [
        { client: 'CAPA\r\n' },
        { server: '+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n' },
        { client: 'USER alice\r\n' },
        { server: '+OK\r\n' },
        { client: 'PASS wrong\r\n' },
        { server: '-ERR [AUTH] Authentication failed.\r\n' },
      ],
      split,
    );
    expect(result.events).toEqual([
      { kind: 'auth-failed', verb: 'PASS', user: 'alice', responseCode: 'AUTH' },
    ]);
    expect(result.isTransaction).toBe(false);
  });

  it('reaches TRANSACTION on +OK and ignores everything after', () => {
    const result = playAll(
      [
        { client: 'USER alice\r\nPASS right\r\nSTAT\r\n' },
        { server: '+OK\r\n+OK logged in\r\n+OK 2 300\r\nnot POP3 at all\r\n' },
      ],
      split,
    );
    expect(result.events).toEqual([{ kind: 'authenticated', verb: 'PASS', user: 'alice' }]);
    expect(result.isTransaction).toBe(true);
  });

  it('does not count IN-USE, LOGIN-DELAY or SYS/TEMP as failed logins (RFC 2449, 3206)', () => {
    for (const code of ['IN-USE', 'LOGIN-DELAY', 'SYS/TEMP', 'SYS/PERM']) {
      const result = playAll(
        [{ client: 'USER a\r\nPASS b\r\n' }, { server: `+OK\r\n-ERR [${code}] later\r\n` }],
        split,
      );
      expect(result.events).toEqual([]);
    }
  });

  it('counts a rejected USER and its pipelined PASS as one failure', () => {
    const result = playAll(
      [{ client: 'USER mallory\r\nPASS x\r\n' }, { server: '-ERR no such user\r\n-ERR\r\n' }],
      split,
    );
    expect(result.events).toEqual([{ kind: 'auth-failed', verb: 'USER', user: 'mallory' }]);
  });

  it('reports APOP and AUTH PLAIN failures with their user', () => {
    const result = playAll(
      [
        { client: 'APOP bob 0123456789abcdef0123456789abcdef\r\n' },
        { server: '-ERR [AUTH] bad digest\r\n' },
        { client: `AUTH PLAIN ${plain('', 'carol', 'hunter2')}\r\n` },
        { server: '-ERR [AUTH] nope\r\n' },
      ],
      split,
    );
    expect(result.events).toEqual([
      { kind: 'auth-failed', verb: 'APOP', user: 'bob', responseCode: 'AUTH' },
      { kind: 'auth-failed', verb: 'AUTH', user: 'carol', responseCode: 'AUTH' },
    ]);
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('follows a SASL challenge and takes the user from the first response', () => {
    const result = playAll(
      [
        { client: 'AUTH PLAIN\r\n' },
        { server: '+ \r\n' },
        { client: `${plain('', 'dave', 'pw')}\r\n` },
        { server: '-ERR [AUTH] failed\r\n' },
        { client: 'AUTH LOGIN\r\n' },
        { server: '+ VXNlcm5hbWU6\r\n' },
        { client: `${encodeBase64(encode('erin'))}\r\n` },
        { server: '+ UGFzc3dvcmQ6\r\n' },
        { client: `${encodeBase64(encode('erin-password'))}\r\n` },
        { server: '+OK welcome\r\n' },
      ],
      split,
    );
    expect(result.events).toEqual([
      { kind: 'auth-failed', verb: 'AUTH', user: 'dave', responseCode: 'AUTH' },
      { kind: 'authenticated', verb: 'AUTH', user: 'erin' },
    ]);
  });

  it('does not count a SASL cancel as a failed login', () => {
    const result = playAll(
      [
        { client: 'AUTH PLAIN\r\n' },
        { server: '+ \r\n' },
        { client: '*\r\n' },
        { server: '-ERR cancelled\r\n' },
      ],
      split,
    );
    expect(result.events).toEqual([]);
  });

  it.each([
    ['garbage instead of a status', [{ client: 'USER a\r\n' }, { server: 'HTTP/1.1 200 OK\r\n' }]],
    ['an unsolicited reply', [{ server: '+OK surprise\r\n' }]],
    ['a challenge to USER', [{ client: 'USER a\r\n' }, { server: '+ \r\n' }]],
    ['an endless status line', [{ client: 'NOOP\r\n' }, { server: `+OK ${'x'.repeat(8200)}` }]],
  ] as [string, Step[]][])('reports %s as BRIDGE_SERVER_PROTOCOL', (_name, steps) => {
    expect(playAll(steps, split).error).toBe('BRIDGE_SERVER_PROTOCOL');
  });
});

describe('AuthWatch limits', () => {
  it('refuses more than MAX_PENDING_BEFORE_LOGIN commands awaiting replies before login', () => {
    const guard = new LineGuard();
    const watch = new AuthWatch(guard);
    const noops = guard.push(encode('NOOP\r\n'.repeat(MAX_PENDING_BEFORE_LOGIN)));
    if (noops.error) throw noops.error;
    expect(watch.sent(noops.lines)).toBeUndefined();
    const more = guard.push(encode('NOOP\r\n'));
    if (more.error) throw more.error;
    expect(watch.sent(more.lines)?.code).toBe('BRIDGE_LINE_REJECTED');
    // Replies drain the queue, and then commands are welcome again.
    expect(watch.receive(encode('+OK\r\n'.repeat(10))).error).toBeUndefined();
    expect(watch.sent(more.lines)).toBeUndefined();
  });

  it('stops following after login: no limit, no parsing', () => {
    const guard = new LineGuard();
    const watch = new AuthWatch(guard);
    const login = guard.push(encode('USER a\r\nPASS b\r\n'));
    if (login.error) throw login.error;
    watch.sent(login.lines);
    watch.receive(encode('+OK\r\n+OK\r\n'));
    expect(watch.isTransaction).toBe(true);
    const many = guard.push(encode('NOOP\r\n'.repeat(MAX_PENDING_BEFORE_LOGIN + 1)));
    if (many.error) throw many.error;
    expect(watch.sent(many.lines)).toBeUndefined();
    expect(watch.receive(encode('garbage\r\n'))).toEqual({ events: [] });
  });
});
