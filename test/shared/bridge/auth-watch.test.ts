// The auth watch models AUTHORIZATION as the server sees it (server bytes at
// every split): which lines start login attempts, how each ended, SASL
// challenges, the move to TRANSACTION, and the lines it refuses because the
// server's reading of them cannot be known; never a secret in any event.

import { describe, expect, it } from 'vitest';
import {
  AuthWatch,
  MAX_PENDING_BEFORE_LOGIN,
  type AuthEvent,
  type LineRole,
} from '../../../shared/bridge/auth-watch.ts';
import type { BridgeErrorCode } from '../../../shared/bridge/errors.ts';
import { LineGuard } from '../../../shared/bridge/line-guard.ts';
import { encodeBase64 } from '../../../shared/pop3/sasl/base64.ts';
import { encode, FEEDS } from '../../support/feed.ts';

type Step = { client: string } | { server: string };

interface Result {
  events: AuthEvent[];
  roles: LineRole['kind'][];
  error?: BridgeErrorCode;
  /** The code of a client line the watch refused to let through. */
  refused?: BridgeErrorCode;
  isTransaction: boolean;
}

/** Check and send each line as the relay does; returns a refusal's code. */
function relay(watch: AuthWatch, guard: LineGuard, text: string, roles: LineRole['kind'][]) {
  const result = guard.push(encode(text));
  if (result.error) throw new Error(`guard refused ${text}: ${result.error.code}`);
  for (const line of result.lines) {
    const role = watch.check(line);
    if ('code' in role) return role.code;
    roles.push(role.kind);
    watch.sent(line);
  }
  return undefined;
}

function play(steps: Step[], runsOf: Map<Step, Uint8Array[][]>, run: number): Result {
  const guard = new LineGuard();
  const watch = new AuthWatch(guard);
  const events: AuthEvent[] = [];
  const roles: LineRole['kind'][] = [];
  for (const step of steps) {
    if ('client' in step) {
      const refused = relay(watch, guard, step.client, roles);
      if (refused) return { events, roles, refused, isTransaction: watch.isTransaction };
      continue;
    }
    const runs = runsOf.get(step) ?? [];
    for (const chunk of runs[Math.min(run, runs.length - 1)] ?? []) {
      const result = watch.receive(chunk);
      events.push(...result.events);
      if (result.error) return { events, roles, error: result.error.code, isTransaction: false };
    }
  }
  return { events, roles, isTransaction: watch.isTransaction };
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
    expect(result.events).toEqual([failed('PASS', 'alice')]);
    expect(result.roles).toEqual(['other', 'other', 'attempt']);
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
    expect(result.events).toEqual([
      { kind: 'attempt-ended', outcome: 'ok', verb: 'PASS', user: 'alice' },
      { kind: 'authenticated', verb: 'PASS', user: 'alice' },
    ]);
    expect(result.isTransaction).toBe(true);
  });

  it('does not count IN-USE, LOGIN-DELAY or SYS/TEMP as failed logins (RFC 2449, 3206)', () => {
    for (const code of ['IN-USE', 'LOGIN-DELAY', 'SYS/TEMP', 'SYS/PERM']) {
      const result = playAll(
        [{ client: 'USER a\r\nPASS b\r\n' }, { server: `+OK\r\n-ERR [${code}] later\r\n` }],
        split,
      );
      expect(result.events).toEqual([
        { kind: 'attempt-ended', outcome: 'neutral', verb: 'PASS', user: 'a', responseCode: code },
      ]);
    }
  });

  it('counts a rejected USER and its pipelined PASS as one failure, at the PASS', () => {
    const result = playAll(
      [{ client: 'USER mallory\r\nPASS x\r\n' }, { server: '-ERR no such user\r\n-ERR\r\n' }],
      split,
    );
    expect(result.events).toEqual([
      { kind: 'attempt-ended', outcome: 'failed', verb: 'PASS', user: 'mallory' },
    ]);
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
    expect(result.events).toEqual([failed('APOP', 'bob'), failed('AUTH', 'carol')]);
    expect(result.roles).toEqual(['attempt', 'attempt']);
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
      failed('AUTH', 'dave'),
      { kind: 'attempt-ended', outcome: 'ok', verb: 'AUTH', user: 'erin' },
      { kind: 'authenticated', verb: 'AUTH', user: 'erin' },
    ]);
    // The first response of each exchange names its account; later ones do not.
    expect(result.roles).toEqual(['attempt', 'names', 'attempt', 'names', 'other']);
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
    expect(result.events).toEqual([{ kind: 'attempt-ended', outcome: 'neutral', verb: 'AUTH' }]);
  });

  it('refuses a line pipelined behind AUTH: the server may read it as SASL (finding 1)', () => {
    const result = playAll(
      [{ client: 'AUTH PLAIN\r\nNOOP\r\n' }, { server: '+ \r\n' }, { client: 'CAPA\r\n' }],
      split,
    );
    expect(result.refused).toBe('BRIDGE_LINE_REJECTED');
    expect(result.roles).toEqual(['attempt']);
  });

  it('refuses a line sent after AUTH with an initial response, before its reply', () => {
    const result = playAll(
      [{ client: `AUTH PLAIN ${plain('', 'a', 'b')}\r\n` }, { client: 'USER a\r\n' }],
      split,
    );
    expect(result.refused).toBe('BRIDGE_LINE_REJECTED');
  });

  it('after a challenge, takes the next line as SASL as the server does, whatever it looks like', () => {
    const result = playAll(
      [
        { client: 'AUTH PLAIN\r\n' },
        { server: '+ \r\n' },
        // Valid base64: the server takes it as the SASL response, and so do we.
        { client: 'CAPA\r\n' },
        { server: '-ERR [AUTH] Authentication failed.\r\n' },
        { client: 'USER demo\r\nPASS guess\r\n' },
        { server: '+OK\r\n-ERR [AUTH] Authentication failed.\r\n' },
      ],
      split,
    );
    expect(result.events).toEqual([failed('AUTH'), failed('PASS', 'demo')]);
    expect(result.isTransaction).toBe(false);
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
    const roles: LineRole['kind'][] = [];
    expect(relay(watch, guard, 'NOOP\r\n'.repeat(MAX_PENDING_BEFORE_LOGIN), roles)).toBeUndefined();
    expect(relay(watch, guard, 'NOOP\r\n', roles)).toBe('BRIDGE_LINE_REJECTED');
    // Replies drain the queue, and then commands are welcome again.
    expect(watch.receive(encode('+OK\r\n'.repeat(10))).error).toBeUndefined();
    expect(relay(watch, guard, 'NOOP\r\n', roles)).toBeUndefined();
  });

  it('stops following after login: no limit, no parsing', () => {
    const guard = new LineGuard();
    const watch = new AuthWatch(guard);
    expect(relay(watch, guard, 'USER a\r\nPASS b\r\n', [])).toBeUndefined();
    watch.receive(encode('+OK\r\n+OK\r\n'));
    expect(watch.isTransaction).toBe(true);
    const many = guard.push(encode('NOOP\r\n'.repeat(MAX_PENDING_BEFORE_LOGIN + 1)));
    if (many.error) throw many.error;
    for (const line of many.lines) watch.sent(line);
    expect(watch.receive(encode('garbage\r\n'))).toEqual({ events: [] });
  });

  it('gives attempts the account as the throttle counts it: trimmed and case-folded', () => {
    const guard = new LineGuard();
    const watch = new AuthWatch(guard);
    const lines = guard.push(encode('USER DeMo\r\nPASS x\r\n'));
    if (lines.error) throw lines.error;
    watch.sent(lines.lines[0]!);
    expect(watch.check(lines.lines[1]!)).toEqual({
      kind: 'attempt',
      verb: 'PASS',
      account: 'demo',
    });
  });
});

function failed(verb: AuthEvent['verb'], user?: string): AuthEvent {
  return {
    kind: 'attempt-ended',
    outcome: 'failed',
    verb,
    ...(user ? { user } : {}),
    responseCode: 'AUTH',
  };
}
