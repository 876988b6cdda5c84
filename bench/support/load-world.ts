// What the load and soak benchmarks share: a private Dovecot with one small
// mailbox per simulated user (one session per user at a time, so no mailbox
// lock is ever contended) and an account for the hostile client, the gateway
// in its own process, the hostile flood in a third, and the command line.

import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startDovecot, type Dovecot } from '../../test/support/dovecot.ts';
import { AddressPool } from './address-pool.ts';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.ts';
import type { FloodOptions, FloodReport } from './hostile-flood.ts';
import type { LoadUser } from './pop3-load.ts';

const FLOOD = fileURLToPath(new URL('./hostile-flood.ts', import.meta.url));
/** Messages per mailbox, 1 KiB to 46 KiB. */
export const MESSAGES = 10;
/** The slow reader's message: far more than the gateway buffers for one session. */
const LARGE_MESSAGE = 16 * 1024 * 1024;
/** The hostile client's own address, outside the legitimate pool (127.20.x.y). */
export const HOSTILE_ADDRESS = '127.66.0.1';
const HOSTILE_USER = { name: 'mallory', password: 'slow-reader-7' };
/** The gateway's global cap for the run; every other limit stays at its default. */
const GATEWAY_ENV = { MAX_SESSIONS: '1000' };
/** The gateway's default UPGRADES_PER_MINUTE, less a margin for clock skew. */
const UPGRADES_PER_ADDRESS_PER_MINUTE = 18;

export interface BenchArgs {
  durationMs: number;
  sessions: number;
  mechanism: string;
}

/** `--duration 2m|90s|120` (seconds by default), `--sessions N`, `--mechanism NAME`. */
export function benchArgs(defaults: BenchArgs): BenchArgs {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      sessions: { type: 'string' },
      mechanism: { type: 'string' },
    },
  });
  const duration = values.duration;
  let durationMs = defaults.durationMs;
  if (duration !== undefined) {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(duration);
    if (!match) throw new Error(`--duration ${duration}: use e.g. 30s, 2m or 120`);
    const unit = match[2] === 'ms' ? 1 : match[2] === 'm' ? 60_000 : 1000;
    durationMs = Number(match[1]) * unit;
  }
  const sessions = values.sessions === undefined ? defaults.sessions : Number(values.sessions);
  if (!Number.isInteger(sessions) || sessions < 1) throw new Error('--sessions must be ≥ 1');
  return { durationMs, sessions, mechanism: values.mechanism ?? defaults.mechanism };
}

export interface LoadWorld {
  dovecot: Dovecot;
  gateway: GatewayProcess;
  users: LoadUser[];
  pool: AddressPool;
  /** Where the legitimate clients come from, for the printout. */
  clientAddresses: string;
  stop(): Promise<void>;
}

function sampleMessage(user: number, index: number): string {
  const line = `${'The quick brown fox jumps over the lazy dog. '.repeat(2).slice(0, 74)}\r\n`;
  const body = line.repeat(Math.ceil(((1 + index * 5) * 1024) / line.length));
  return (
    `From: Sender ${index} <sender${index}@example.org>\r\nTo: user${user}@example.org\r\n` +
    `Subject: Message ${index} for user ${user}\r\nDate: Mon, 2 Nov 2026 09:00:00 +0000\r\n` +
    `Message-ID: <${user}.${index}@example.org>\r\n\r\n${body}`
  );
}

/** Dovecot with `sessions` users plus the hostile account, and the gateway in front of it. */
export async function startLoadWorld(sessions: number): Promise<LoadWorld> {
  const users = Array.from({ length: sessions }, (_, i) => ({
    name: `user${i}`,
    password: `bench-password-${i}`,
  }));
  const dovecot = await startDovecot({
    users: [...users, HOSTILE_USER],
    maxSessions: sessions + 50,
  });
  try {
    for (const [i, user] of users.entries()) {
      await dovecot.addMessages(
        user.name,
        Array.from({ length: MESSAGES }, (_, index) => sampleMessage(i, index)),
      );
    }
    const large = `Subject: large\r\n\r\n${'x'.repeat(998)}\r\n`.repeat(LARGE_MESSAGE / 1000);
    await dovecot.addMessages(HOSTILE_USER.name, [large]);
    const gateway = await startGatewayProcess(
      {
        host: dovecot.host,
        port: dovecot.implicitPort,
        ca: dovecot.ca,
        servername: dovecot.servername,
      },
      GATEWAY_ENV,
    );
    // Enough that an address comes round again only every few seconds at the
    // highest session rate seen, far under its minute's share.
    const size = Math.max(2000, 4 * sessions);
    const pool = new AddressPool({
      prefix: [127, 20],
      size,
      perMinute: UPGRADES_PER_ADDRESS_PER_MINUTE,
    });
    return {
      dovecot,
      gateway,
      users,
      pool,
      clientAddresses: `${size} addresses 127.20.x.y, each ≤ ${UPGRADES_PER_ADDRESS_PER_MINUTE} upgrades/min and 1 session at a time`,
      async stop() {
        await gateway.stop();
        await dovecot.stop();
      },
    };
  } catch (error) {
    await dovecot.stop();
    throw error;
  }
}

/** Fork the hostile flood against `gateway` for `durationMs`; resolves with its report. */
export function startFlood(gateway: GatewayProcess, durationMs: number): Promise<FloodReport> {
  const options: FloodOptions = {
    port: gateway.port,
    origin: gateway.origin,
    server: 'main',
    address: HOSTILE_ADDRESS,
    durationMs,
    user: HOSTILE_USER,
  };
  const child = fork(FLOOD, ['--flood', JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (report) => resolve(report as FloodReport));
    child.once('exit', (code) => reject(new Error(`the hostile flood exited with ${code}`)));
  });
}
