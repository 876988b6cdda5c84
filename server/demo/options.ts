// Options of startDemoServer: their types, defaults and validation. The one
// hard rule lives here: the demo server listens on loopback only.

import { BlockList, isIP } from 'node:net';
import { demoError } from './errors.ts';
import type { DemoFaults } from './faults.ts';
import {
  checkMessages,
  DEMO_USER,
  type DemoMailboxSource,
  type DemoMessage,
  type DemoUser,
} from './mailbox.ts';
import { createSampleMailbox } from './sample-mailbox.ts';

/** Which POP3 extensions the server offers; to play servers that lack some. All on by default. */
export interface DemoCapabilities {
  pipelining?: boolean;
  top?: boolean;
  uidl?: boolean;
  /** Off: CAPA itself answers -ERR, like an RFC 1939-only server. */
  capa?: boolean;
  /** SASL mechanisms advertised; PLAIN and LOGIN work, any other is refused at AUTH. Default both. */
  sasl?: string[];
  /** Off: no timestamp in the greeting, APOP refused. */
  apop?: boolean;
}

/** Options of startDemoServer. */
export interface DemoServerOptions {
  /** Default '127.0.0.1'; anything but a loopback IP address is refused. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Default 'implicit' (POP3S); 'starttls' offers STLS (RFC 2595) and refuses sign-in before it. */
  tls?: 'implicit' | 'starttls';
  /** Default [DEMO_USER]. */
  users?: DemoUser[];
  /** Default the sample mailbox; a fresh copy per user. */
  mailbox?: DemoMailboxSource;
  faults?: DemoFaults;
  capabilities?: DemoCapabilities;
}

/** Options with defaults filled in and checked. */
export interface ResolvedOptions {
  host: string;
  port: number;
  tls: 'implicit' | 'starttls';
  users: readonly DemoUser[];
  mailbox: (user: string) => readonly DemoMessage[];
  faults: DemoFaults;
  capabilities: Required<DemoCapabilities>;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
const USER_NAME = /^[^\s\0]+$/u;
const MECHANISM = /^[A-Z0-9_-]{1,20}$/;

/** True for IP addresses in 127.0.0.0/8 and ::1 (IPv4-mapped forms included). */
export function isLoopbackAddress(host: string): boolean {
  const family = isIP(host);
  if (family === 0) return false;
  return LOOPBACK.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

function bad(message: string): never {
  throw demoError('DEMO_BAD_OPTION', message);
}

function checkUsers(users: readonly DemoUser[]): void {
  if (users.length === 0) bad('users must not be empty');
  const names = new Set<string>();
  for (const user of users) {
    if (!USER_NAME.test(user.name)) bad(`user name ${JSON.stringify(user.name)} is not valid`);
    if (names.has(user.name)) bad(`user ${user.name} appears twice`);
    if (user.password === '' || /[\r\n\0]/.test(user.password)) {
      bad(`password of ${user.name} must be non-empty, without CR, LF or NUL`);
    }
    names.add(user.name);
  }
}

function checkFaults(faults: DemoFaults): void {
  const { replyDelayMs, dropAfterBytes } = faults;
  if (replyDelayMs !== undefined && !(Number.isFinite(replyDelayMs) && replyDelayMs >= 0)) {
    bad('faults.replyDelayMs must be a non-negative number');
  }
  if (
    dropAfterBytes !== undefined &&
    !(Number.isSafeInteger(dropAfterBytes) && dropAfterBytes >= 0)
  ) {
    bad('faults.dropAfterBytes must be a non-negative integer');
  }
}

function mailboxSource(
  source: DemoMailboxSource | undefined,
  startedAt: Date,
): (user: string) => readonly DemoMessage[] {
  if (source === undefined) return () => createSampleMailbox(startedAt);
  if (typeof source === 'function') return source;
  const problem = checkMessages(source);
  if (problem) bad(`mailbox: ${problem}`);
  const messages = [...source];
  return () => messages;
}

/** Fill in defaults and validate; throws DemoServerError. */
export function resolveOptions(options: DemoServerOptions, startedAt: Date): ResolvedOptions {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackAddress(host)) {
    throw demoError(
      'DEMO_NOT_LOOPBACK',
      `the demo POP3 server listens on loopback only (127.0.0.1 or ::1), not ${JSON.stringify(host)}`,
    );
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) bad('port must be 0–65535');
  const tls = options.tls ?? 'implicit';
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- options come from JavaScript callers and the CLI, which the type does not check
  if (tls !== 'implicit' && tls !== 'starttls') bad("tls must be 'implicit' or 'starttls'");
  const users = options.users ?? [DEMO_USER];
  checkUsers(users);
  const faults = options.faults ?? {};
  checkFaults(faults);
  const sasl = options.capabilities?.sasl ?? ['PLAIN', 'LOGIN'];
  for (const mechanism of sasl) {
    if (!MECHANISM.test(mechanism)) bad(`SASL mechanism ${JSON.stringify(mechanism)} is not valid`);
  }
  return {
    host,
    port,
    tls,
    users: users.map((user) => ({ ...user })),
    mailbox: mailboxSource(options.mailbox, startedAt),
    faults,
    capabilities: {
      pipelining: options.capabilities?.pipelining ?? true,
      top: options.capabilities?.top ?? true,
      uidl: options.capabilities?.uidl ?? true,
      capa: options.capabilities?.capa ?? true,
      sasl: [...sasl],
      apop: options.capabilities?.apop ?? true,
    },
  };
}
