// The failed-login limits through the real gateway to the real Dovecot over
// TLS, each finding of the gateway review as an attacker would try it from
// a plain WebSocket client: a SASL desync, pipelined guesses, a ban that must
// reach open sessions, a lockout by strangers, IPv6 prefixes, case-folded
// names, spoofed proxy headers, and a flood of refused upgrades.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../../shared/bridge/messages.ts';
import type { Limits } from '../../../server/config.ts';
import { encodeBase64 } from '../../../shared/pop3/sasl/base64.ts';
import { startDovecot, type Dovecot } from '../../support/dovecot.ts';
import { startGateway, upstream, type Harness } from '../../support/gateway-harness.ts';
import { rawRequest, TestClient, upgradeRequest } from '../../support/ws-client.ts';

const USERS = ['demo', 'carol', 'dave', 'erin', 'frank', 'grace'].map((name) => ({
  name,
  password: `${name}-right-1`,
}));

let dovecot: Dovecot;
const harnesses: Harness[] = [];

beforeAll(async () => {
  dovecot = await startDovecot({ users: USERS, mechanisms: ['plain', 'login'] });
});
afterAll(() => dovecot.stop());
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

/** A gateway in front of Dovecot, behind a "proxy" on loopback unless told otherwise. */
async function gateway(env: Record<string, string> = {}, limits: Partial<Limits> = {}) {
  const harness = await startGateway({
    upstreams: [upstream('main', { host: dovecot.host, port: dovecot.implicitPort }, dovecot.ca)],
    env: { TRUST_PROXY: 'loopback', ...env },
    limits,
  });
  harnesses.push(harness);
  return harness;
}

const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
const password = (name: string): string => `${name}-right-1`;

function guesses(user: string, count: number): string {
  return Array.from({ length: count }, (_, i) => `USER ${user}\r\nPASS guess-${i}\r\n`).join('');
}

/** Dovecot's own count of wrong passwords it checked for `user` (auth_verbose). */
async function mismatches(user: string): Promise<number> {
  const log = await dovecot.log();
  return log.split('\n').filter((line) => line.includes(`(${user},`) && /mismatch/i.test(line))
    .length;
}

/** Sign in with the right password; resolves to what the server answered PASS. */
async function signIn(harness: Harness, user: string, address: string): Promise<string> {
  const client = await TestClient.open(harness, 'main', from(address));
  const reply = await client.command(`USER ${user}\r\nPASS ${password(user)}\r\n`, /\r\n.*\r\n/);
  client.send('QUIT\r\n');
  await client.closed;
  return reply;
}

describe('login limits against Dovecot', () => {
  it('a SASL desync is refused, counted, and cannot switch counting off (finding 1)', async () => {
    const harness = await gateway();
    const attacker = from('198.51.100.1');
    const first = await TestClient.open(harness, 'main', attacker);
    first.send('AUTH PLAIN\r\nNOOP\r\n');
    expect((await first.closed).code).toBe(CLOSE_CODES.LINE_REJECTED);
    expect(first.controls.at(-1)?.message).toMatch(/before the AUTH reply/);
    // The AUTH it started counts: the client chose not to wait for its answer.
    await expect.poll(() => harness.events('auth_failed').length).toBe(1);
    // Then CAPA and 60 wrong passwords, one frame a session, until the address is banned.
    let sessions = 0;
    for (;;) {
      const client = await TestClient.open(harness, 'main', attacker).catch(() => undefined);
      if (!client) break;
      sessions += 1;
      client.send(`CAPA\r\n${guesses('demo', 60)}USER demo\r\nPASS ${password('demo')}\r\n`);
      expect((await client.closed).code).toBe(CLOSE_CODES.BANNED);
      expect(client.received).not.toMatch(/Logged in/i);
    }
    expect(sessions).toBe(1);
    await expect(TestClient.connect(harness, attacker)).rejects.toThrow('HTTP 429');
    expect(harness.events('auth_failed')).toHaveLength(5);
    expect(harness.gateway.metrics.render()).toMatch(
      /pop3gw_auth_failures_total\{target="main"\} 5/,
    );
  });

  it('pipelined guesses stop at the allowance; the right one at the end never signs in (finding 2)', async () => {
    const harness = await gateway();
    const client = await TestClient.open(harness, 'main', from('198.51.100.2'));
    client.send(`${guesses('carol', 40)}USER carol\r\nPASS ${password('carol')}\r\n`);
    expect((await client.closed).code).toBe(CLOSE_CODES.BANNED);
    expect(client.received).not.toMatch(/Logged in/i);
    // Sync point: a later sign-in from elsewhere is in Dovecot's log after those attempts.
    expect(await signIn(harness, 'carol', '192.0.2.50')).toMatch(/\+OK Logged in/);
    await expect.poll(() => dovecot.log().then((log) => log.includes('user=<carol>'))).toBe(true);
    expect(await mismatches('carol')).toBeLessThanOrEqual(5);
    await expect.poll(() => harness.events('auth_failed').length).toBe(5);
  });

  it('a ban closes the sessions of that address still signing in, at once (finding 3)', async () => {
    const harness = await gateway();
    const address = from('198.51.100.3');
    const waiting = await TestClient.open(harness, 'main', address);
    await waiting.command('USER dave\r\n', '+OK');
    const guesser = await TestClient.open(harness, 'main', address);
    for (let i = 0; i < 4; i++) {
      await guesser.command(`USER dave\r\nPASS wrong-${i}\r\n`, /-ERR.*\r\n$/);
    }
    expect(await mismatches('dave')).toBe(4);
    guesser.send('USER dave\r\nPASS wrong-4\r\n');
    expect((await guesser.closed).code).toBe(CLOSE_CODES.BANNED);
    // The other session never sent a password, yet it ends with the ban too.
    expect((await waiting.closed).code).toBe(CLOSE_CODES.BANNED);
    expect(waiting.controls.at(-1)).toMatchObject({ code: 'GATEWAY_BANNED' });
    await expect(TestClient.connect(harness, address)).rejects.toThrow('HTTP 429');
  });

  it('25 failures for a user from one address do not lock out its owner elsewhere (finding 4)', async () => {
    const harness = await gateway({}, { authFailureLimit: 100, authUserFailureLimit: 20 });
    // Five sessions at once, five guesses each, from one address.
    const attackers = await Promise.all(
      Array.from({ length: 5 }, () => TestClient.open(harness, 'main', from('198.51.100.4'))),
    );
    for (const client of attackers) client.send(guesses('erin', 5));
    // At the 20th failure the account is under attack: the sessions of the address that
    // failed for it end at once, and their guesses still unanswered count too.
    for (const client of attackers) expect((await client.closed).code).toBe(CLOSE_CODES.BANNED);
    await expect.poll(() => harness.events('auth_failed').length).toBe(25);
    // The account is under attack now: the attacker's address may not try erin again…
    const again = await TestClient.open(harness, 'main', from('198.51.100.4'));
    again.send(guesses('erin', 1));
    expect((await again.closed).code).toBe(CLOSE_CODES.BANNED);
    // …but her own address never failed: the right password signs in.
    expect(await signIn(harness, 'erin', '203.0.113.8')).toMatch(/\+OK Logged in/);
  });

  it('counts IPv6 clients by /64 and folds the case of user names (findings 6, 7)', async () => {
    const harness = await gateway({}, { authFailureLimit: 3, authUserFailureLimit: 3 });
    for (const [index, name] of ['Frank', 'FRANK'].entries()) {
      const client = await TestClient.open(harness, 'main', from(`2001:db8:7:7::${index + 1}`));
      await client.command(`USER ${name}\r\nPASS wrong\r\n`, /-ERR.*\r\n$/);
      client.ws.close();
      await client.closed;
    }
    const third = await TestClient.open(harness, 'main', from('2001:db8:7:7:ffff::9'));
    third.send('USER frank\r\nPASS wrong\r\n');
    expect((await third.closed).code).toBe(CLOSE_CODES.BANNED);
    // The whole /64 is banned; the next /64 is not.
    await expect(TestClient.connect(harness, from('2001:db8:7:7::abcd'))).rejects.toThrow('429');
    // Three spellings, one account under attack: an address that failed for it may not
    // try again under any spelling; a fresh one signs in.
    const banned = await TestClient.open(harness, 'main', from('2001:db8:7:9::1'));
    expect(await banned.command('USER frank\r\nPASS wrong\r\n', /-ERR.*\r\n$/)).toMatch(/AUTH/);
    banned.send('USER fRaNk\r\nPASS frank-right-1\r\n');
    expect((await banned.closed).code).toBe(CLOSE_CODES.BANNED);
    expect(await signIn(harness, 'frank', '2001:db8:7:8::1')).toMatch(/\+OK Logged in/);
    const lines = harness.events('auth_failed').map((line) => line.msg);
    expect(lines).toEqual([
      'pop3gw: auth failed for user=Frank target=main from 2001:db8:7:7::1',
      'pop3gw: auth failed for user=FRANK target=main from 2001:db8:7:7::2',
      'pop3gw: auth failed for user=frank target=main from 2001:db8:7:7:ffff::9',
      'pop3gw: auth failed for user=frank target=main from 2001:db8:7:9::1',
    ]);
  });

  it('SASL PLAIN without an initial response is counted like PASS', async () => {
    const harness = await gateway({}, { authFailureLimit: 2 });
    const plain = encodeBase64(new TextEncoder().encode('\0grace\0nope'));
    const client = await TestClient.open(harness, 'main', from('198.51.100.6'));
    await client.command('AUTH PLAIN\r\n', '+ ');
    await client.command(`${plain}\r\n`, /-ERR.*\r\n$/);
    await client.command('AUTH PLAIN\r\n', '+ ');
    client.send(`${plain}\r\n`);
    expect((await client.closed).code).toBe(CLOSE_CODES.BANNED);
    expect(harness.events('auth_failed').map((line) => line.user)).toEqual(['grace', 'grace']);
  });
});

describe('the growing delay per user and address', () => {
  it('holds the next attempt of a pair that just failed; others go at once', async () => {
    const harness = await gateway({}, { authDelayMs: 400 });
    const client = await TestClient.open(harness, 'main', from('198.51.100.7'));
    await client.command('USER demo\r\nPASS wrong\r\n', /-ERR.*\r\n$/);
    const started = performance.now();
    const reply = await client.command(`USER demo\r\nPASS ${password('demo')}\r\n`, /Logged in/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(350);
    expect(reply).toMatch(/\+OK Logged in/);
    client.send('QUIT\r\n');
    await client.closed;
  });
});

describe('proxy trust (finding 5)', () => {
  it('a direct client cannot pick its address with X-Forwarded-For', async () => {
    // The documented form: the proxy's own address, here 127.0.0.1; the client is 127.0.0.2.
    const harness = await gateway({ TRUST_PROXY: '127.0.0.1' }, { maxSessionsPerIp: 5 });
    const direct = { localAddress: '127.0.0.2' };
    const clients: TestClient[] = [];
    for (let i = 0; i < 5; i++) {
      clients.push(await TestClient.connect(harness, { ...direct, ...from(`10.9.9.${i}`) }));
    }
    await expect(TestClient.connect(harness, { ...direct, ...from('10.9.9.99') })).rejects.toThrow(
      'HTTP 429',
    );
    for (const client of clients) client.ws.close();
    await Promise.all(clients.map((client) => client.closed));
    await expect.poll(() => harness.events('session_close').length).toBe(5);
    expect(new Set(harness.events('session_close').map((line) => line.ip))).toEqual(
      new Set(['127.0.0.2']),
    );
  });

  it('a direct client cannot pass ACCESS_HEADER', async () => {
    const harness = await gateway({ TRUST_PROXY: '127.0.0.1', ACCESS_HEADER: 'X-Remote-User' });
    const request = upgradeRequest('/ws', { 'X-Remote-User': 'alice' });
    expect((await rawRequest(harness.port, request)).status).toBe(101);
    expect((await rawRequest(harness.port, request, '127.0.0.2')).status).toBe(401);
  });
});

describe('refused upgrades in the log (finding 9)', () => {
  it('cuts what the client sent and rate-limits the lines, counting what it dropped', async () => {
    const harness = await gateway();
    const origin = `https://${'a'.repeat(15_000)}.example`;
    for (let i = 0; i < 80; i++) {
      const response = await rawRequest(harness.port, upgradeRequest('/ws', { Origin: origin }));
      expect(response.status).toBe(403);
    }
    const lines = harness.rawLogs.filter((line) => line.includes('"upgrade_refused"'));
    expect(lines).toHaveLength(50);
    for (const line of lines) expect(line.length).toBeLessThan(600);
    expect(harness.gateway.metrics.render()).toContain('pop3gw_log_lines_dropped_total 30\n');
  });
});
