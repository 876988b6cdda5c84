// Starts a private Postfix for a test: its own config, queue and data
// directories, submission on loopback ports the OS chose (465 with TLS from
// the first byte, 587 with STARTTLS required), SASL through the Dovecot's auth
// socket (the same users and passwords as POP3), and local delivery over LMTP
// into the Maildirs that Dovecot serves, so a sent message is read back by
// POP3. Nothing leaves the machine: any other destination is an error
// transport. Never reads /etc/postfix's main.cf or master.cf.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createCa, createServerCert } from '../../server/tls/certificates.ts';
import type { Dovecot } from './dovecot.ts';
import { freePort } from './ports.ts';

const run = promisify(execFile);
const POSTFIX = '/usr/sbin/postfix';
/** The mail domain of the test users: alice@example.test is Dovecot's `alice`. */
export const MAIL_DOMAIN = 'example.test';
const START_TIMEOUT_MS = 20_000;

export interface PostfixOptions {
  /** Largest message in bytes (`message_size_limit`, announced as SIZE). */
  messageSizeLimit?: number;
  /** Trust XCLIENT from loopback (`smtpd_authorized_xclient_hosts`). */
  allowXclient?: boolean;
}

export interface Postfix {
  host: '127.0.0.1';
  /** Submission with implicit TLS (like 465). */
  implicitPort: number;
  /** Submission with STARTTLS required (like 587). */
  starttlsPort: number;
  /** A port that offers no STARTTLS at all: the gateway must refuse it. */
  plainPort: number;
  servername: 'localhost';
  /** PEM of the private CA that signed Postfix's certificate. */
  ca: string;
  /** Postfix's own log (maillog_file) so far. */
  log(): Promise<string>;
  /** Wait until the queue is empty (every accepted message delivered or bounced). */
  drained(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export class PostfixError extends Error {
  constructor(
    readonly code: 'POSTFIX_NOT_INSTALLED' | 'POSTFIX_START_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'PostfixError';
  }
}

/** Start a private Postfix in front of `dovecot` (started with `forPostfix: true`). */
export async function startPostfix(
  dovecot: Dovecot,
  options: PostfixOptions = {},
): Promise<Postfix> {
  if (!fs.existsSync(POSTFIX) || process.getuid?.() !== 0) {
    throw new PostfixError(
      'POSTFIX_NOT_INSTALLED',
      'Postfix must be installed (bash scripts/test-deps.sh) and the tests run as root',
    );
  }
  const dir = await fsp.mkdtemp(join(tmpdir(), 'postfix-test-'));
  await fsp.chmod(dir, 0o755);
  const ports = {
    implicitPort: await freePort(),
    starttlsPort: await freePort(),
    plainPort: await freePort(),
  };
  const ca = await createCa();
  const cert = await createServerCert({ names: ['localhost', '127.0.0.1'], ca });
  await fsp.writeFile(join(dir, 'cert.pem'), cert.cert);
  await fsp.writeFile(join(dir, 'key.pem'), cert.key, { mode: 0o600 });
  const recipients = dovecot.users.map((user) => `${user.name}@${MAIL_DOMAIN} ok`).join('\n');
  await fsp.writeFile(join(dir, 'recipients'), `${recipients}\n`);
  for (const sub of ['queue', 'data']) await fsp.mkdir(join(dir, sub));
  await fsp.writeFile(join(dir, 'main.cf'), mainCf(dir, dovecot, options));
  await fsp.writeFile(join(dir, 'master.cf'), masterCf(ports));
  await fsp.writeFile(join(dir, 'maillog'), '');
  const postfix = (...args: string[]) => run(POSTFIX, ['-c', dir, ...args], { env: postfixEnv() });
  try {
    await postfix('set-permissions').catch(() => undefined);
    await postfix('start');
    await Promise.all(Object.values(ports).map((port) => waitForGreeting(port)));
  } catch (error) {
    const log = await fsp.readFile(join(dir, 'maillog'), 'utf8').catch(() => '');
    await postfix('stop').catch(() => undefined);
    await fsp.rm(dir, { recursive: true, force: true });
    throw new PostfixError(
      'POSTFIX_START_FAILED',
      `${(error as Error).message}\n${log.slice(-2000)}`,
    );
  }
  return {
    host: '127.0.0.1',
    ...ports,
    servername: 'localhost',
    ca: ca.cert,
    log: () => fsp.readFile(join(dir, 'maillog'), 'utf8'),
    async drained(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { stdout } = await run('/usr/sbin/postqueue', ['-c', dir, '-p'], {
          env: postfixEnv(),
        });
        if (/Mail queue is empty/.test(stdout)) return;
        if (Date.now() > deadline) throw new Error(`Postfix queue not empty:\n${stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      await postfix('stop').catch(() => undefined);
      await fsp.rm(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

function postfixEnv(): NodeJS.ProcessEnv {
  return { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
}

function mainCf(dir: string, dovecot: Dovecot, options: PostfixOptions): string {
  return `# Written by test/support/postfix.ts; nothing here comes from /etc/postfix.
compatibility_level = 3.6
queue_directory = ${dir}/queue
data_directory = ${dir}/data
maillog_file = ${dir}/maillog
maillog_file_prefixes = ${dir}
myhostname = localhost
mydomain = ${MAIL_DOMAIN}
myorigin = ${MAIL_DOMAIN}
mydestination = ${MAIL_DOMAIN}
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
# Only the test users exist; anyone else is refused at RCPT.
local_recipient_maps = texthash:${dir}/recipients
local_transport = lmtp:unix:${dovecot.lmtpSocket}
# Nothing ever leaves this machine.
default_transport = error:outside delivery is off in tests
relay_transport = error:outside delivery is off in tests
relay_domains =
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = reject_unlisted_recipient, permit_sasl_authenticated, reject
smtpd_sasl_type = dovecot
smtpd_sasl_path = ${dovecot.authSocket}
smtpd_sasl_auth_enable = yes
smtpd_tls_cert_file = ${dir}/cert.pem
smtpd_tls_key_file = ${dir}/key.pem
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_tls_auth_only = yes
smtputf8_enable = yes
message_size_limit = ${options.messageSizeLimit ?? 30 * 1024 * 1024}
smtpd_authorized_xclient_hosts = ${options.allowXclient ? '127.0.0.0/8' : ''}
biff = no
smtpd_banner = $myhostname ESMTP test
`;
}

function masterCf(ports: {
  implicitPort: number;
  starttlsPort: number;
  plainPort: number;
}): string {
  // chroot n: the sockets of Dovecot live outside any chroot.
  const services = [
    `127.0.0.1:${ports.implicitPort} inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt`,
    `127.0.0.1:${ports.starttlsPort} inet n - n - - smtpd -o smtpd_tls_security_level=encrypt`,
    `127.0.0.1:${ports.plainPort} inet n - n - - smtpd -o smtpd_tls_security_level=none -o smtpd_tls_auth_only=no`,
    'pickup unix n - n 60 1 pickup',
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'tlsmgr unix - - n 1000? 1 tlsmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'flush unix n - n 1000? 0 flush',
    'proxymap unix - - n - - proxymap',
    'smtp unix - - n - - smtp',
    'relay unix - - n - - smtp',
    'showq unix n - n - - showq',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'discard unix - - n - - discard',
    'lmtp unix - - n - - lmtp',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
  ];
  return `${services.join('\n')}\n`;
}

/** Resolves once the port answers with an SMTP greeting (or the implicit-TLS port accepts). */
async function waitForGreeting(port: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const isUp = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (isUp) return;
    if (Date.now() > deadline) throw new Error(`Postfix did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
