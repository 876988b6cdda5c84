// The pop3 diagnostic command as an administrator runs it (compiled, as `npm run pop3`
// runs it), against a real Dovecot over TLS: output, JSON keys, exact RETR bytes and
// exit codes.
import { spawn } from 'node:child_process';
import { mkdir, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DovecotSlot } from '../../support/dovecot.ts';
import { dovecotForFile } from '../../support/shared-dovecot.ts';
import { EXIT } from '../../../server/cli/failure.ts';
import { CHARSET_CASES, readCharsetFixture } from '../../support/charset-fixtures.ts';
import { buildServer } from '../../../scripts/build-server.mjs';

const ROOT = join(import.meta.dirname, '../../..');
let compiled: string;

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function pop3(args: string[], password = 'wonderland-1'): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(compiled, 'pop3.js'), ...args], {
      env: { ...process.env, POP3_PASSWORD: password },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
  });
}

const FIRST =
  'From: =?UTF-8?B?5byg5LiJ?= <zhang@example.org>\r\nTo: alice@example.org\r\n' +
  'Subject: =?UTF-8?B?5L2g5aW9?=\r\nDate: Tue, 3 Nov 2026 10:00:00 +0800\r\n\r\nhello\r\n..dot\r\n';
const SECOND =
  'From: Bob <bob@example.org>\r\nTo: alice@example.org\r\nSubject: second\r\n' +
  'Date: Wed, 4 Nov 2026 10:00:00 +0000\r\n\r\nbody two\r\n';

let dovecot: DovecotSlot;
let dir: string;
let common: string[];

beforeAll(async () => {
  // Inside the checkout (.tmp/ is ignored by git): the bundle imports npm packages from node_modules.
  await mkdir(join(ROOT, '.tmp'), { recursive: true });
  compiled = await mkdtemp(join(ROOT, '.tmp', 'pop3-cli-'));
  await buildServer(compiled);
  // A second mailbox holds the legacy-charset fixtures, so alice's listing stays two messages.
  dovecot = await dovecotForFile({
    users: [
      { name: 'alice', password: 'wonderland-1' },
      { name: 'chen', password: 'legacy-charsets-1' },
    ],
  });
  await dovecot.addMessages('alice', [FIRST, SECOND]);
  await dovecot.addMessages(
    'chen',
    CHARSET_CASES.map((fixture) => readCharsetFixture(fixture.file)),
  );
  dir = await mkdtemp(join(tmpdir(), 'pop3-cli-'));
  await writeFile(join(dir, 'ca.pem'), dovecot.ca);
  common = [
    '--host',
    '127.0.0.1',
    '--port',
    String(dovecot.implicitPort),
    '--servername',
    'localhost',
    '--ca',
    join(dir, 'ca.pem'),
    '--user',
    'alice',
  ];
});

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await dovecot?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  if (compiled) await rm(compiled, { recursive: true, force: true });
});

describe('npm run pop3', () => {
  it('check prints greeting, capabilities, mechanism, count and timings', async () => {
    const run = await pop3(['check', ...common]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const text = run.stdout.toString();
    expect(text).toMatch(/^Server +127\.0\.0\.1:\d+ \(TLSv1\.[23], .+, certificate verified\)$/m);
    expect(text).toMatch(/^Greeting +Dovecot/m);
    expect(text).toMatch(/^Capabilities .*PIPELINING/m);
    expect(text).toMatch(/^Sign-in +SCRAM-SHA-256$/m);
    expect(text).toMatch(/^Mailbox +2 messages, /m);
    expect(text).toMatch(/^Timings +connect\+TLS\+greeting \d+ ms, sign-in \d+ ms, STAT \d+ ms$/m);
  });

  it('list --json prints one object per message, newest first, decoded', async () => {
    const run = await pop3(['list', '--json', ...common]);
    expect(run.code).toBe(0);
    const rows = run.stdout
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows.map((row) => Object.keys(row))).toEqual([
      ['number', 'uidl', 'size', 'date', 'from', 'subject'],
      ['number', 'uidl', 'size', 'date', 'from', 'subject'],
    ]);
    expect(rows[0]).toMatchObject({
      number: 2,
      subject: 'second',
      from: 'Bob <bob@example.org>',
      date: '2026-11-04T10:00:00.000Z',
      size: SECOND.length,
    });
    expect(rows[1]).toMatchObject({
      number: 1,
      subject: '你好',
      from: '张三 <zhang@example.org>',
      date: '2026-11-03T02:00:00.000Z',
    });
    expect(typeof rows[0]?.uidl).toBe('string');
  });

  it('list --json decodes legacy charsets as the web list and the reader do', async () => {
    const args = common.map((arg) => (arg === 'alice' ? 'chen' : arg));
    const run = await pop3(['list', '--json', ...args], 'legacy-charsets-1');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const rows = run.stdout
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { subject: string; from: string });
    // Newest first: the fixtures were delivered in table order.
    expect(rows.map(({ subject, from }) => ({ subject, from }))).toEqual(
      CHARSET_CASES.map((fixture) => ({
        subject: fixture.subject,
        from: `${fixture.fromName} <${fixture.fromAddress}>`,
      })).reverse(),
    );
  });

  it('list --limit 1 prints only the newest, as text', async () => {
    const run = await pop3(['list', '--limit', '1', ...common]);
    expect(run.code).toBe(0);
    const lines = run.stdout.toString().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^ +2 {2}\S+ +\d+ B {2}2026-11-04T10:00:00\.000Z +Bob <bob@example\.org> +second$/,
    );
  });

  it('retr writes the exact raw message', async () => {
    const run = await pop3(['retr', '1', ...common]);
    expect(run.code).toBe(0);
    expect(run.stdout.equals(Buffer.from(FIRST))).toBe(true);
  });

  it('works over STLS', async () => {
    const args = common.map((arg) =>
      arg === String(dovecot.implicitPort) ? String(dovecot.starttlsPort) : arg,
    );
    const run = await pop3(['check', ...args, '--tls', 'starttls']);
    expect(run.code).toBe(0);
    expect(run.stdout.toString()).toMatch(/^Mailbox +2 messages/m);
  });

  it('never deletes anything', async () => {
    expect(await dovecot.readMailbox('alice')).toHaveLength(2);
  });

  it('says "wrong user name or password" with exit code 5', async () => {
    const run = await pop3(['check', ...common], 'not-the-password');
    expect(run.code).toBe(EXIT.auth);
    expect(run.stderr).toBe('error: wrong user name or password\n');
  });

  it('refuses a certificate it cannot verify, with exit code 4', async () => {
    const withoutCa = common.filter((arg, i) => arg !== '--ca' && common[i - 1] !== '--ca');
    const run = await pop3(['check', ...withoutCa]);
    expect(run.code).toBe(EXIT.tls);
    expect(run.stderr).toMatch(/certificate/);
  });

  it('refuses a certificate for another name', async () => {
    const run = await pop3([
      'check',
      ...common.map((arg) => (arg === 'localhost' ? 'mail.example.org' : arg)),
    ]);
    expect(run.code).toBe(EXIT.tls);
    expect(run.stderr).toMatch(/does not match the host name/);
  });

  it('reports an unreachable server with exit code 3', async () => {
    const run = await pop3([
      'check',
      ...common.map((arg) => (arg === String(dovecot.implicitPort) ? '1' : arg)),
    ]);
    expect(run.code).toBe(EXIT.unreachable);
    expect(run.stderr).toMatch(/^error: cannot reach 127\.0\.0\.1:1/);
  });

  it('explains usage errors with exit code 2', async () => {
    const run = await pop3(['retr', '--host', 'x', '--user', 'y']);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toMatch(/retr needs N/);
    expect(run.stderr).toMatch(/Usage: npm run pop3/);
  });
});
