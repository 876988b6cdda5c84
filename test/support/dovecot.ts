// Starts a private Dovecot POP3 server for one test file: its own temp dir, config, CA,
// passwd file and maildirs, on loopback ports the OS chose. Never reads /etc/dovecot.
// Or one Dovecot for a whole test run, with slots: each slot is a pair of ports with
// users and maildirs of its own, so test files that take one never see each other.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import tls from 'node:tls';
import { createCa, createServerCert } from '../../server/tls/certificates.ts';
import { freePort } from './ports.ts';

/** A mailbox owner: the login name and its password (any characters). */
export interface DovecotUser {
  name: string;
  password: string;
}

/** How to configure the private Dovecot; every field is optional. */
export interface DovecotOptions {
  /** Mailbox owners; default one user, `alice` / `wonderland-1`. */
  users?: DovecotUser[];
  /** `auth_mechanisms`; default plain, login, cram-md5, scram-sha-1, scram-sha-256, apop. */
  mechanisms?: string[];
  /** `pop3_lock_session = yes`: a second session of the same user gets `-ERR [IN-USE]`. */
  lockSessions?: boolean;
  /**
   * `disable_plaintext_auth = yes`. No effect from 127.0.0.1: Dovecot counts a connection whose
   * remote and local addresses are equal as secured, so plaintext login before STLS still works.
   */
  disablePlaintextAuth?: boolean;
  /**
   * Concurrent sessions to allow (benchmarks), in Dovecot's high-performance mode. The
   * defaults stop near 100 (each TLS session holds a pop3-login and a pop3 process, 100 of
   * each) and spawn both per connection, some 30 a second on two busy cores: hundreds of
   * sign-ins would queue past a client's TLS handshake timeout.
   */
  maxSessions?: number;
  /**
   * Serve a submission server too (test/support/postfix.ts): an auth socket for its SASL
   * and LMTP delivery into the same Maildirs (needs dovecot-lmtpd).
   */
  forPostfix?: boolean;
}

/** A running private Dovecot. Call `stop()` when done. */
export interface Dovecot {
  host: '127.0.0.1';
  /** POP3S: TLS from the first byte (like 995). */
  implicitPort: number;
  /** POP3 with STLS (like 110); `ssl = required`, which loopback bypasses like the option above. */
  starttlsPort: number;
  /** The name to verify; the certificate covers `localhost` and `127.0.0.1`. */
  servername: 'localhost';
  /** PEM of the private CA that signed the server certificate. */
  ca: string;
  users: DovecotUser[];
  /** With `forPostfix`: the SASL auth socket a Postfix smtpd can use (`smtpd_sasl_type = dovecot`). */
  authSocket: string;
  /** With `forPostfix`: the LMTP socket that delivers into the users' Maildirs. */
  lmtpSocket: string;
  /** Dovecot's own log so far (auth_verbose: one line per failed password). */
  log(): Promise<string>;
  /** Deliver raw RFC 5322 messages (bytes kept exact) into a user's mailbox, oldest first. */
  addMessages(user: string, messages: Array<Uint8Array | string>): Promise<void>;
  /** Remove every message of a user (UIDs keep counting up: the uidlist stays). */
  clearMailbox(user: string): Promise<void>;
  /** The raw bytes of the messages now in the mailbox, oldest first. */
  readMailbox(user: string): Promise<Uint8Array[]>;
  /** Kill Dovecot, wait `pauseMs`, start it again on the same ports with the same mail. */
  restart(pauseMs?: number): Promise<void>;
  /** Kill Dovecot and remove its directory. */
  stop(): Promise<void>;
}

/** Why a private Dovecot could not be used; `code` is stable, the message is for people. */
export class DovecotError extends Error {
  constructor(
    readonly code: 'DOVECOT_NOT_INSTALLED' | 'DOVECOT_BAD_OPTIONS' | 'DOVECOT_START_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'DovecotError';
  }
}

const DEFAULT_USERS: readonly DovecotUser[] = [{ name: 'alice', password: 'wonderland-1' }];
const DEFAULT_MECHANISMS = ['plain', 'login', 'cram-md5', 'scram-sha-1', 'scram-sha-256', 'apop'];
// Dovecot's default auth_username_chars; the name also lands in a ':'-separated passwd file.
const USER_NAME = /^[A-Za-z0-9._@-]+$/;
// Dovecot gives new maildir files UIDs in the order of the time their names start with; one
// second per message keeps delivery order = POP3 order even where sub-second parts are ignored.
const FIRST_SECOND = 1_600_000_000;
const START_TIMEOUT_MS = 15_000;
const BATCH = 500;
const STALE_MS = 10 * 60_000;

/** Start a private Dovecot on loopback with TLS; resolves once both ports greet. */
export async function startDovecot(options: DovecotOptions = {}): Promise<Dovecot> {
  const binary = findDovecot();
  const users = (options.users ?? DEFAULT_USERS).map((user) => ({ ...user }));
  checkUsers(users);
  const owner = mailOwner();
  const root = scratchRoot();
  await sweepStale(root);
  const dir = await fsp.mkdtemp(join(root, 'dovecot-test-'));
  // Login processes (dovenull) and mail processes (the mail uid) must reach into it.
  await fsp.chmod(dir, 0o755);
  try {
    const ca = await createCa();
    const server = await createServerCert({ names: ['localhost', '127.0.0.1'], ca });
    await fsp.mkdir(join(dir, 'state'));
    await fsp.writeFile(join(dir, 'cert.pem'), server.cert);
    await fsp.writeFile(join(dir, 'key.pem'), server.key, { mode: 0o600 });
    const homes = await writeUsers(dir, users, owner);
    const layout: Layout = { passwd: join(dir, 'passwd'), count: 1 };
    const { child, ports } = await launch(binary, dir, options, owner, ca.cert, layout);
    const relaunch = async (): Promise<ChildProcess> =>
      (await launch(binary, dir, options, owner, ca.cert, layout, ports)).child;
    const [first] = ports as [Ports];
    return handle(dir, child, first, ca.cert, users, homes, owner, relaunch);
  } catch (error) {
    await fsp.rm(dir, { recursive: true, force: true });
    throw error;
  }
}

// The passwd file and maildirs of `users` under `base`; returns their homes.
async function writeUsers(base: string, users: DovecotUser[], owner: Owner): Promise<string[]> {
  const homes = users.map((_, index) => join(base, 'home', `u${index}`));
  await fsp.mkdir(join(base, 'home'), { recursive: true, mode: 0o755 });
  for (const home of homes) {
    for (const sub of ['', 'Maildir', 'Maildir/cur', 'Maildir/new', 'Maildir/tmp']) {
      await fsp.mkdir(join(home, sub), { recursive: true, mode: 0o700 });
      await fsp.chown(join(home, sub), owner.uid, owner.gid);
    }
  }
  // Written last, in one rename: Dovecot never reads a passwd file naming missing homes.
  const passwd = join(base, 'passwd');
  await fsp.writeFile(`${passwd}.tmp`, passwdFile(users, homes, owner), { mode: 0o644 });
  await fsp.rename(`${passwd}.tmp`, passwd);
  return homes;
}

interface Owner {
  uid: number;
  gid: number;
  /** Set when not root: Dovecot then runs every service as this user. */
  rootless?: { user: string; group: string };
}

interface Ports {
  implicitPort: number;
  starttlsPort: number;
}

/** Where passdb and userdb look (a path with Dovecot %variables), and how many port pairs. */
interface Layout {
  passwd: string;
  count: number;
}

function findDovecot(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin'];
  const binary = dirs.map((d) => join(d, 'dovecot')).find((path) => fs.existsSync(path));
  if (binary === undefined || !fs.existsSync('/usr/lib/dovecot/pop3')) {
    throw new DovecotError(
      'DOVECOT_NOT_INSTALLED',
      'Dovecot (dovecot-core, dovecot-pop3d) is not installed: run `bash scripts/test-deps.sh`',
    );
  }
  return binary;
}

// RAM-backed /dev/shm makes 10,000 deliveries take a quarter second instead of several on a
// busy disk; small container /dev/shm (Docker's 64 MiB) would fill up, so it needs room.
function scratchRoot(): string {
  try {
    const shm = fs.statfsSync('/dev/shm');
    if (shm.bavail * shm.bsize >= 1024 ** 3) {
      fs.accessSync('/dev/shm', fs.constants.W_OK);
      return '/dev/shm';
    }
  } catch {
    // No usable /dev/shm: the ordinary temp dir.
  }
  return tmpdir();
}

// Ctrl-C or a SIGKILLed test process skips exit handlers; the parent-death signal still ends
// Dovecot, but its directory stays. Sweep old ones whose master is gone so /dev/shm drains.
async function sweepStale(root: string): Promise<void> {
  const names = await fsp.readdir(root).catch(() => [] as string[]);
  for (const name of names.filter((entry) => entry.startsWith('dovecot-test-'))) {
    const dir = join(root, name);
    const info = await fsp.stat(dir).catch(() => undefined);
    if (info === undefined || Date.now() - info.mtimeMs < STALE_MS) continue;
    const pid = Number(await fsp.readFile(join(dir, 'run', 'master.pid'), 'utf8').catch(() => ''));
    if (!(pid > 0 && isAlive(pid))) await fsp.rm(dir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    return process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function checkUsers(users: readonly DovecotUser[]): void {
  const names = new Set(users.map((user) => user.name));
  if (users.length === 0 || names.size !== users.length) {
    throw new DovecotError('DOVECOT_BAD_OPTIONS', 'users must be non-empty with unique names');
  }
  const bad = users.find((user) => !USER_NAME.test(user.name));
  if (bad)
    throw new DovecotError('DOVECOT_BAD_OPTIONS', `bad user name ${JSON.stringify(bad.name)}`);
}

// Mail is never accessed as root; Debian's `mail` account (uid 8) always exists. Not root
// (GitHub runners): Dovecot runs every service as the current user instead.
function mailOwner(): Owner {
  if (process.getuid?.() !== 0) {
    const me = userInfo();
    const group = systemEntry('/etc/group', (fields) => fields[2] === String(me.gid));
    return { uid: me.uid, gid: me.gid, rootless: { user: me.username, group: group[0] ?? '' } };
  }
  const mail = systemEntry('/etc/passwd', (fields) => fields[0] === 'mail');
  return { uid: Number(mail[2] ?? 8), gid: Number(mail[3] ?? 8) };
}

function systemEntry(file: string, match: (fields: string[]) => boolean): string[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  return lines.map((line) => line.split(':')).find(match) ?? [];
}

// {PLAIN.BASE64}: any password survives the ':'-separated format, and the plaintext is
// what CRAM-MD5, SCRAM and APOP need.
function passwdFile(users: readonly DovecotUser[], homes: string[], owner: Owner): string {
  return users
    .map((user, i) => {
      const secret = Buffer.from(user.password, 'utf8').toString('base64');
      return `${user.name}:{PLAIN.BASE64}${secret}:${owner.uid}:${owner.gid}::${homes[i]}::\n`;
    })
    .join('');
}

function renderConfig(
  dir: string,
  options: DovecotOptions,
  owner: Owner,
  ports: readonly Ports[],
  layout: Layout,
): string {
  const yesNo = (flag: boolean | undefined): string => (flag ? 'yes' : 'no');
  const self = owner.rootless;
  const rootless = self
    ? `default_internal_user = ${self.user}\ndefault_internal_group = ${self.group}\n` +
      `default_login_user = ${self.user}\n` +
      'service pop3-login {\n  chroot =\n}\nservice anvil {\n  chroot =\n}\n'
    : '';
  return `# Written by test/support/dovecot.ts; nothing here comes from /etc/dovecot.
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = dovecot-test-${ports[0]?.implicitPort}
log_path = ${dir}/dovecot.log
protocols = pop3${options.forPostfix ? ' lmtp' : ''}
listen = 127.0.0.1
ssl = required
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = ${yesNo(options.disablePlaintextAuth)}
auth_mechanisms = ${(options.mechanisms ?? DEFAULT_MECHANISMS).join(' ')}
auth_verbose = yes
# Tests try wrong passwords on purpose; the 2 s delay and per-IP penalty only slow them.
auth_failure_delay = 0
first_valid_uid = ${owner.uid}
mail_location = maildir:~/Maildir
mail_fsync = never
pop3_uidl_format = %08Xu%08Xv
pop3_lock_session = ${yesNo(options.lockSessions)}
passdb {
  driver = passwd-file
  args = ${layout.passwd}
}
userdb {
  driver = passwd-file
  args = ${layout.passwd}
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service pop3-login {
${ports.map(listeners).join('')}}
${rootless}${sessionLimits(options.maxSessions)}${sharedLimits(layout)}${options.forPostfix ? POSTFIX_SERVICES : ''}`;
}

// For a private Postfix: SASL through Dovecot's auth (the same users and passwords as POP3)
// and LMTP into the same Maildirs; `user@domain` recipients are looked up as `user`.
const POSTFIX_SERVICES = `service auth {
  unix_listener auth-postfix {
    mode = 0666
  }
}
service lmtp {
  unix_listener lmtp-postfix {
    mode = 0666
  }
}
protocol lmtp {
  auth_username_format = %Ln
}
`;

function listeners(ports: Ports, index: number): string {
  const suffix = index === 0 ? '' : `-${index}`;
  return (
    `  inet_listener pop3${suffix} {\n    address = 127.0.0.1\n    port = ${ports.starttlsPort}\n  }\n` +
    `  inet_listener pop3s${suffix} {\n    address = 127.0.0.1\n    port = ${ports.implicitPort}\n` +
    '    ssl = yes\n  }\n'
  );
}

// Every slot has its own "alice": Dovecot's per-user, per-IP cap (10 by default) would
// otherwise count the sessions of every test file together.
function sharedLimits(layout: Layout): string {
  return layout.count > 1 ? 'mail_max_userip_connections = 10000\n' : '';
}

// Room for `sessions` logins and mail processes, plus their connections to auth and anvil;
// long-lived login and pop3 processes serving many clients each instead of one per session.
function sessionLimits(sessions: number | undefined): string {
  if (sessions === undefined) return '';
  const reused = `  service_count = 0\n  process_min_avail = 2\n  client_limit = ${sessions + 100}\n`;
  return (
    `default_process_limit = ${sessions + 100}\ndefault_client_limit = ${4 * sessions + 400}\n` +
    `service pop3-login {\n${reused}}\nservice pop3 {\n${reused}}\n`
  );
}

// Dovecot cannot listen on port 0 and report it, so ports are probed free, then retried if
// another test took one in between.
async function launch(
  binary: string,
  dir: string,
  options: DovecotOptions,
  owner: Owner,
  ca: string,
  layout: Layout,
  fixed?: readonly Ports[],
): Promise<{ child: ChildProcess; ports: readonly Ports[] }> {
  for (let attempt = 1; ; attempt++) {
    const ports = fixed ?? (await pickPorts(layout.count));
    const config = join(dir, 'dovecot.conf');
    await fsp.writeFile(config, renderConfig(dir, options, owner, ports, layout));
    await fsp.rm(join(dir, 'dovecot.log'), { force: true });
    const stderr = fs.openSync(join(dir, 'stderr.log'), 'w');
    // Own process group (stop() kills it whole); the parent-death signal kills Dovecot even
    // when the test process is SIGKILLed and no exit handler runs.
    const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', binary, '-F', '-c', config], {
      detached: true,
      stdio: ['ignore', 'ignore', stderr],
    });
    fs.closeSync(stderr);
    child.unref();
    track(child, dir);
    try {
      // The master opens every listener before it forks a login process: one pair greeting
      // means all are up.
      await waitReady(child, ports[0]!, ca, dir);
      return { child, ports };
    } catch (error) {
      // Reaped before a retry reuses base_dir, or the new master sees a live master.pid.
      await killAndWait(child);
      const log = await logTail(dir);
      if (attempt < 3 && log.includes('Address already in use')) continue;
      const why = error instanceof Error ? error.message : String(error);
      throw new DovecotError('DOVECOT_START_FAILED', `Dovecot did not start: ${why}\n${log}`);
    }
  }
}

async function pickPorts(count: number): Promise<Ports[]> {
  const seen = new Set<number>();
  while (seen.size < 2 * count) seen.add(await freePort());
  const ports = [...seen];
  return Array.from({ length: count }, (_, i) => ({
    implicitPort: ports[2 * i]!,
    starttlsPort: ports[2 * i + 1]!,
  }));
}

async function waitReady(
  child: ChildProcess,
  ports: Ports,
  ca: string,
  dir: string,
): Promise<void> {
  let exited: string | undefined;
  const onExit = (code: number | null, signal: string | null): void => {
    exited = `it exited (code ${code}, signal ${signal})`;
  };
  const onError = (error: Error): void => {
    exited = `spawn failed: ${error.message}`;
  };
  child.once('exit', onExit).once('error', onError);
  const deadline = Date.now() + START_TIMEOUT_MS;
  try {
    for (;;) {
      if (exited !== undefined) throw new Error(exited);
      if (Date.now() > deadline) throw new Error(`no greeting within ${START_TIMEOUT_MS} ms`);
      // A dead auth service leaves the master up, restarting it with back-off: fail now.
      const log = await fsp.readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => '');
      if (log.includes(': Fatal: ')) throw new Error('it logged a fatal error');
      const tlsOptions = {
        host: '127.0.0.1',
        port: ports.implicitPort,
        ca,
        servername: 'localhost',
      };
      const implicit = greets(() => tls.connect(tlsOptions));
      const starttls = greets(() => net.connect(ports.starttlsPort, '127.0.0.1'));
      if ((await implicit) && (await starttls)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    child.off('exit', onExit).off('error', onError);
  }
}

// True once the port answers a `+OK` greeting; any error means "not yet".
function greets(open: () => net.Socket): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = open();
    let text = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n')) done(text.startsWith('+OK'));
    });
  });
}

const running = new Map<ChildProcess, string>();
let isExitHooked = false;

// A test that never calls stop() still must not leave Dovecot or its directory behind.
function track(child: ChildProcess, dir: string): void {
  if (!isExitHooked) process.once('exit', killAll);
  isExitHooked = true;
  running.set(child, dir);
  child.once('exit', () => running.delete(child));
}

function killAll(): void {
  for (const [child, dir] of running) {
    kill(child);
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

async function killAndWait(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
      resolve(undefined);
    } else child.once('exit', resolve);
  });
  // unref()ed at spawn so a forgotten stop() cannot hold the test process open.
  child.ref();
  kill(child);
  await exited;
  running.delete(child);
  // The master's exit is reported first; its login and auth children, which hold the
  // listening sockets too, may take a moment more. Callers expect the ports closed.
  if (child.pid !== undefined) await groupGone(child.pid);
}

async function groupGone(pid: number): Promise<void> {
  for (let waited = 0; waited < 5000 && hasRunningMember(pid); waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// A member that is only a zombie has closed its sockets; the reaper may take its time.
function hasRunningMember(group: number): boolean {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after its ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === group && state !== 'Z') return true;
  }
  return false;
}

function kill(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // The whole group: the master and every login, auth and pop3 child it forked.
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

async function logTail(dir: string): Promise<string> {
  const read = (name: string): Promise<string> =>
    fsp.readFile(join(dir, name), 'utf8').catch(() => '');
  const lines = `${await read('stderr.log')}${await read('dovecot.log')}`.trimEnd().split('\n');
  return `--- last lines of Dovecot's log ---\n${lines.slice(-25).join('\n')}`;
}

function handle(
  dir: string,
  first: ChildProcess,
  ports: Ports,
  ca: string,
  users: DovecotUser[],
  homes: string[],
  owner: Owner,
  relaunch: () => Promise<ChildProcess>,
): Dovecot {
  let child = first;
  return {
    host: '127.0.0.1',
    ...ports,
    servername: 'localhost',
    ca,
    users,
    authSocket: join(dir, 'run', 'auth-postfix'),
    lmtpSocket: join(dir, 'run', 'lmtp-postfix'),
    log: () => fsp.readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => ''),
    ...mailboxes(users, homes, owner),
    async restart(pauseMs = 0) {
      await killAndWait(child);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      child = await relaunch();
    },
    async stop() {
      await killAndWait(child);
      await fsp.rm(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

type Mailboxes = Pick<Dovecot, 'addMessages' | 'clearMailbox' | 'readMailbox'>;

function mailboxes(users: DovecotUser[], homes: string[], owner: Owner): Mailboxes {
  let seconds = FIRST_SECOND;
  const maildir = (name: string): string => {
    const index = users.findIndex((user) => user.name === name);
    const home = homes[index];
    if (home === undefined) throw new DovecotError('DOVECOT_BAD_OPTIONS', `no user ${name}`);
    return join(home, 'Maildir');
  };
  const messageFiles = async (root: string): Promise<string[]> => {
    const found = await Promise.all(
      ['new', 'cur'].map(async (sub) =>
        (await fsp.readdir(join(root, sub))).map((f) => join(sub, f)),
      ),
    );
    const second = (path: string): number => Number(/(\d+)\./.exec(path)?.[1]);
    return found.flat().sort((a, b) => second(a) - second(b));
  };
  return {
    async addMessages(user, messages) {
      const root = maildir(user);
      for (let start = 0; start < messages.length; start += BATCH) {
        // Synchronous writes are several times faster than libuv's pool for tiny files;
        // yielding per batch keeps the test's sockets serviced.
        for (const message of messages.slice(start, start + BATCH)) {
          const name = `${seconds++}.P${process.pid}.localhost`;
          // Maildir delivery: write in tmp/, then rename, so Dovecot never sees half a file.
          const fd = fs.openSync(join(root, 'tmp', name), 'wx', 0o600);
          fs.writeSync(fd, typeof message === 'string' ? Buffer.from(message, 'utf8') : message);
          fs.fchownSync(fd, owner.uid, owner.gid);
          fs.closeSync(fd);
          fs.renameSync(join(root, 'tmp', name), join(root, 'new', name));
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    async clearMailbox(user) {
      const root = maildir(user);
      for (const sub of ['new', 'cur', 'tmp']) {
        for (const file of await fsp.readdir(join(root, sub)))
          await fsp.unlink(join(root, sub, file));
      }
    },
    async readMailbox(user) {
      const root = maildir(user);
      // Dovecot renames (new/ → cur/, flag changes) and unlinks (expunge) files
      // while it serves a session: a file listed a moment ago may be gone. List
      // again rather than fail the caller.
      for (let attempt = 1; ; attempt++) {
        try {
          const files = await messageFiles(root);
          const contents = await Promise.all(files.map((file) => fsp.readFile(join(root, file))));
          return contents.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      }
    },
  };
}

/** A Dovecot for a whole test run, as test files need it: JSON, so vitest can provide it. */
export interface SharedDovecotInfo {
  dir: string;
  ca: string;
  slots: Ports[];
  owner: { uid: number; gid: number };
}

/**
 * The users of one slot of a shared Dovecot. It cannot restart the server, and `stop`
 * only removes the slot's mail (the slot is not handed out again in this run).
 */
// A slot shares one Dovecot with other files: it cannot restart it, read its log or serve Postfix.
export type DovecotSlot = Omit<Dovecot, 'restart' | 'log' | 'authSocket' | 'lmtpSocket'>;

/**
 * Start one Dovecot with `slots` pairs of ports. Dovecot picks the passwd file by the port
 * a client connected to (`%{lport}`), so each pair serves its own users and maildirs.
 */
export async function startSharedDovecot(
  slots: number,
): Promise<{ info: SharedDovecotInfo; stop(): Promise<void> }> {
  const binary = findDovecot();
  const owner = mailOwner();
  const root = scratchRoot();
  await sweepStale(root);
  const dir = await fsp.mkdtemp(join(root, 'dovecot-test-'));
  await fsp.chmod(dir, 0o755);
  try {
    const ca = await createCa();
    const server = await createServerCert({ names: ['localhost', '127.0.0.1'], ca });
    for (const sub of ['state', 'slots', 'claims']) await fsp.mkdir(join(dir, sub));
    await fsp.chmod(join(dir, 'slots'), 0o755);
    await fsp.writeFile(join(dir, 'cert.pem'), server.cert);
    await fsp.writeFile(join(dir, 'key.pem'), server.key, { mode: 0o600 });
    const layout: Layout = { passwd: join(dir, 'slots', '%{lport}', 'passwd'), count: slots };
    const { child, ports } = await launch(binary, dir, {}, owner, ca.cert, layout);
    const info = { dir, ca: ca.cert, slots: [...ports], owner: { uid: owner.uid, gid: owner.gid } };
    return {
      info,
      async stop() {
        await killAndWait(child);
        await fsp.rm(dir, { recursive: true, force: true, maxRetries: 3 });
      },
    };
  } catch (error) {
    await fsp.rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Take a free slot of a shared Dovecot for `users` (default alice / wonderland-1), or
 * undefined when every slot is taken. Safe across processes: a slot is claimed by mkdir.
 */
export async function claimDovecotSlot(
  info: SharedDovecotInfo,
  options: { users?: DovecotUser[] } = {},
): Promise<DovecotSlot | undefined> {
  const users = (options.users ?? DEFAULT_USERS).map((user) => ({ ...user }));
  checkUsers(users);
  for (const [index, ports] of info.slots.entries()) {
    try {
      await fsp.mkdir(join(info.dir, 'claims', String(index)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    const base = join(info.dir, 'slots', String(ports.implicitPort));
    const homes = await writeUsers(base, users, info.owner);
    // The STLS port of the pair looks up the same passwd file.
    await fsp.symlink(base, join(info.dir, 'slots', String(ports.starttlsPort)));
    return {
      host: '127.0.0.1',
      ...ports,
      servername: 'localhost',
      ca: info.ca,
      users,
      ...mailboxes(users, homes, info.owner),
      // Dovecot may still be writing a uidlist as the file ends: retry what ENOTEMPTY stops.
      stop: () => fsp.rm(join(base, 'home'), { recursive: true, force: true, maxRetries: 5 }),
    };
  }
  return undefined;
}
