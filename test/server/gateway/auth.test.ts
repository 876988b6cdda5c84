// Failed logins and logs: throttling after repeated -ERR to auth commands,
// the fail2ban line and filter, no secret in any log, and the shape of the
// session log lines (docs/security.md #26, #27, #28).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../../shared/bridge/messages.ts';
import { encodeBase64 } from '../../../shared/pop3/sasl/base64.ts';
import {
  startGateway,
  upstream,
  type Harness,
  type HarnessOptions,
} from '../../support/gateway-harness.ts';
import {
  startPop3Stub,
  testCerts,
  type Pop3Script,
  type StubServer,
} from '../../support/tls-stub.ts';
import { TestClient } from '../../support/ws-client.ts';

const FILTER = path.resolve(import.meta.dirname, '../../../fail2ban/filter.d/pop3gw.conf');
const FAIL2BAN_REGEX = '/usr/bin/fail2ban-regex';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Accepts alice/secret and AUTH PLAIN for alice/secret; everything else fails. */
const script: Pop3Script = (line) => {
  const plainOk = encodeBase64(new TextEncoder().encode('\0alice\0secret'));
  if (line.startsWith('USER ') || ['NOOP', 'STAT', 'QUIT'].includes(line)) return '+OK\r\n';
  if (line === 'PASS secret') return '+OK logged in\r\n';
  if (line.startsWith('PASS ')) return '-ERR [AUTH] Authentication failed.\r\n';
  if (line === 'AUTH PLAIN') return '+ \r\n';
  if (line === `AUTH PLAIN ${plainOk}` || line === plainOk) return '+OK logged in\r\n';
  if (line.startsWith('AUTH ') || /^[A-Za-z0-9+/=]+$/.test(line)) {
    return '-ERR [AUTH] Authentication failed.\r\n';
  }
  return '+OK\r\n';
};

async function setup(
  options: HarnessOptions = {},
): Promise<{ harness: Harness; stub: StubServer & { lines: string[] } }> {
  const { ca, good } = await testCerts();
  const stub = await startPop3Stub({ mode: 'implicit', cert: good, script });
  cleanups.push(() => stub.close());
  const harness = await startGateway({ upstreams: [upstream('main', stub, ca.cert)], ...options });
  cleanups.push(() => harness.close());
  return { harness, stub };
}

async function failOnce(harness: Harness, headers: Record<string, string> = {}): Promise<void> {
  const client = await TestClient.open(harness, 'main', { headers });
  await client.command('USER alice\r\nPASS wrong\r\n', 'failed');
  client.ws.close();
  await client.closed;
}

describe('failed logins (docs/security.md #28)', () => {
  it('5 bad PASS → the 6th session gets 429 on upgrade, with a fail2ban line each', async () => {
    const { harness } = await setup();
    for (let i = 0; i < 5; i++) await failOnce(harness);
    await expect(TestClient.connect(harness)).rejects.toThrow('HTTP 429');
    const lines = harness.events('auth_failed');
    expect(lines).toHaveLength(5);
    expect(lines[0]?.msg).toBe('pop3gw: auth failed for user=alice target=main from 127.0.0.1');
    expect(harness.gateway.metrics.render()).toMatch(
      /pop3gw_auth_failures_total\{target="main"\} 5/,
    );
  });

  it('a good login does not count; IN-USE does not count', async () => {
    const { harness } = await setup();
    const client = await TestClient.open(harness, 'main');
    await client.command('USER alice\r\nPASS secret\r\n', 'logged in');
    client.ws.close();
    await client.closed;
    expect(harness.events('auth_failed')).toHaveLength(0);
  });

  it('the bundled fail2ban filter matches the emitted lines, with the real IP', async () => {
    const { harness } = await setup({ env: { TRUST_PROXY: 'loopback' } });
    await failOnce(harness, { 'x-forwarded-for': '203.0.113.7' });
    const client = await TestClient.open(harness, 'main', {
      headers: { 'x-forwarded-for': '2001:db8::7' },
    });
    const plain = encodeBase64(new TextEncoder().encode('\0carol\0hunter2'));
    await client.command(`AUTH PLAIN ${plain}\r\n`, 'failed');
    client.ws.close();
    const failures = harness.rawLogs.filter((line) => line.includes('"auth_failed"'));
    expect(failures).toHaveLength(2);
    // The filter's own regex, with <HOST> as fail2ban expands it (roughly).
    const failregex = /^failregex = (.+)$/m.exec(readFileSync(FILTER, 'utf8'))?.[1] ?? '';
    const regex = new RegExp(failregex.replace('<HOST>', '(?<host>[0-9A-Fa-f.:]+)'));
    expect(failures.map((line) => regex.exec(line)?.groups?.host)).toEqual([
      '203.0.113.7',
      '2001:db8::7',
    ]);
    expect(failures[1]).toContain('user=carol');
    expect(failures.join('\n')).not.toContain('hunter2');
    // The real tool (Debian package fail2ban, installed by test-deps.sh).
    const dir = mkdtempSync(path.join(tmpdir(), 'pop3gw-f2b-'));
    try {
      const log = path.join(dir, 'gateway.log');
      writeFileSync(log, harness.rawLogs.join(''));
      const output = execFileSync(FAIL2BAN_REGEX, [log, FILTER], { encoding: 'utf8' });
      expect(output).toMatch(/Failregex: 2 total/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('relays no more guesses than the allowance, however many are pipelined (finding 2)', async () => {
    const { harness, stub } = await setup();
    const client = await TestClient.open(harness, 'main');
    const guesses = Array.from({ length: 40 }, (_, i) => `USER alice\r\nPASS wrong${i}\r\n`);
    client.send(`${guesses.join('')}USER alice\r\nPASS secret\r\n`);
    expect((await client.closed).code).toBe(CLOSE_CODES.BANNED);
    // Exactly what reached the server: five attempts, the allowance, and the USER before
    // the sixth (a name is no guess); nothing after.
    await expect.poll(() => stub.lines.length).toBe(11);
    expect(stub.lines).toEqual([
      ...guesses.slice(0, 5).flatMap((pair) => pair.trim().split('\r\n')),
      'USER alice',
    ]);
    expect(client.received).not.toContain('logged in');
  });

  it('an account failing from many addresses still signs in from one that never failed', async () => {
    const { harness } = await setup({
      env: { TRUST_PROXY: 'loopback' },
      limits: { authUserFailureLimit: 2 },
    });
    await failOnce(harness, { 'x-forwarded-for': '198.51.100.1' });
    await failOnce(harness, { 'x-forwarded-for': '198.51.100.2' });
    const fresh = await TestClient.open(harness, 'main', {
      headers: { 'x-forwarded-for': '198.51.100.3' },
    });
    await fresh.command('USER Alice\r\nPASS secret\r\n', 'logged in');
    fresh.ws.close();
    const failed = await TestClient.open(harness, 'main', {
      headers: { 'x-forwarded-for': '198.51.100.1' },
    });
    failed.send('USER ALICE\r\nPASS secret\r\n');
    expect((await failed.closed).code).toBe(CLOSE_CODES.BANNED);
  });
});

describe('logs (docs/security.md #26, #27)', () => {
  it('never contain a password, a SASL payload or message bytes, at trace level', async () => {
    const tempBefore = new Set(readdirSync(tmpdir()));
    const { harness } = await setup();
    const plain = encodeBase64(new TextEncoder().encode('\0alice\0hunter2'));
    const wrong = encodeBase64(new TextEncoder().encode('\0alice\0hunter3'));
    const first = await TestClient.open(harness, 'main');
    await first.command('USER alice\r\nPASS hunter2\r\n', 'failed');
    await first.command(`AUTH PLAIN ${wrong}\r\n`, 'failed');
    await first.command('AUTH PLAIN\r\n', '+ ');
    await first.command(`${plain}\r\n`, '\r\n');
    first.ws.close();
    await first.closed;
    await expect.poll(() => harness.events('session_close').length).toBe(1);
    const output = harness.rawLogs.join('');
    for (const secret of ['hunter2', 'hunter3', plain, wrong, 'logged in']) {
      expect(output).not.toContain(secret);
    }
    // Nor in any file the gateway may have left in the temp directory.
    for (const name of readdirSync(tmpdir())) {
      if (tempBefore.has(name)) continue;
      const file = path.join(tmpdir(), name);
      try {
        expect(readFileSync(file, 'latin1')).not.toContain('hunter2');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
      }
    }
  });

  it('one line on open and one on close, with the documented fields', async () => {
    const { harness } = await setup();
    const client = await TestClient.open(harness, 'main', { headers: {} });
    await client.command(
      'USER alice\r\nPASS secret\r\nNOOP\r\n',
      '+OK\r\n+OK logged in\r\n+OK\r\n',
    );
    client.ws.close(1000, 'done');
    await client.closed;
    await expect.poll(() => harness.events('session_close').length).toBe(1);
    const [open] = harness.events('session_open');
    const [close] = harness.events('session_close');
    expect(Object.keys(open ?? {}).sort()).toEqual(
      [
        'connectMs',
        'event',
        'ip',
        'level',
        'msg',
        'origin',
        'service',
        'sid',
        'target',
        'time',
        'tls',
      ].sort(),
    );
    expect(open).toMatchObject({
      event: 'session_open',
      ip: '127.0.0.1',
      origin: 'https://app.example',
      target: 'main',
      tls: {
        protocol: expect.stringMatching(/^TLSv1\.[23]$/) as unknown,
        cipher: expect.any(String) as unknown,
      },
    });
    expect(close).toMatchObject({
      event: 'session_close',
      sid: open?.sid,
      ip: '127.0.0.1',
      origin: 'https://app.example',
      target: 'main',
      tls: open?.tls,
      bytesUp: 'USER alice\r\nPASS secret\r\nNOOP\r\n'.length,
      bytesDown: '+OK POP3 stub ready\r\n+OK\r\n+OK logged in\r\n+OK\r\n'.length,
      durationMs: expect.any(Number) as unknown,
      closeCode: 1000,
      closeReason: 'done',
      user: 'alice',
    });
  });
});
