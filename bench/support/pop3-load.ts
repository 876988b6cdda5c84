// Legitimate users for the load and soak benchmarks: each slot signs in
// through the gateway with the browser's own connection code
// (client/connection.ts over a `ws` socket, the shared Pop3Session on top),
// lists (UIDL + LIST), reads one message (TOP, then RETR) and quits, in a
// loop until the deadline. Records each step's latency and every error by code.

import { WebSocket } from 'ws';
import { connect, ConnectionError, type WebSocketLike } from '../../client/connection.ts';
import { Pop3Error } from '../../shared/pop3/index.ts';
import type { AddressPool } from './address-pool.ts';

export const OPERATIONS = ['connect+open', 'login', 'list', 'top', 'retr', 'quit'] as const;
export type Operation = (typeof OPERATIONS)[number];
const RAMP_MS = 5000;

export interface LoadUser {
  name: string;
  password: string;
}

export interface LoadOptions {
  wsUrl: string;
  origin: string;
  server: string;
  /** One slot per user: a user never has two sessions at once (no mailbox lock contention). */
  users: readonly LoadUser[];
  pool: AddressPool;
  durationMs: number;
  /** The SASL mechanism or 'USER'; see the benchmarks for why not the browser's SCRAM. */
  mechanism: string;
  /** Messages in every mailbox; each session reads one at random. */
  messages: number;
}

export interface LoadResult {
  completed: number;
  /** "operation: CODE (detail)" → count. */
  errors: Map<string, number>;
  latencies: Record<Operation, number[]>;
  /** Bytes of message bodies received by RETR. */
  retrBytes: number;
  elapsedMs: number;
}

export function emptyLoadResult(): LoadResult {
  return {
    completed: 0,
    errors: new Map(),
    latencies: Object.fromEntries(OPERATIONS.map((op) => [op, []])) as unknown as Record<
      Operation,
      number[]
    >,
    retrBytes: 0,
    elapsedMs: 0,
  };
}

/**
 * Run `users.length` sessions at once, each starting another when it ends,
 * until the deadline. `result` fills in as sessions end (a soak reads it live).
 */
export async function runLoad(
  options: LoadOptions,
  result: LoadResult = emptyLoadResult(),
): Promise<LoadResult> {
  const started = performance.now();
  const deadline = started + options.durationMs;
  // Users arrive over the first few seconds, not all in one tick.
  const stagger = RAMP_MS / options.users.length;
  await Promise.all(
    options.users.map(async (user, slot) => {
      await new Promise((resolve) => setTimeout(resolve, slot * stagger));
      while (performance.now() < deadline) await oneSession(options, user, result);
    }),
  );
  result.elapsedMs = performance.now() - started;
  return result;
}

async function oneSession(options: LoadOptions, user: LoadUser, result: LoadResult) {
  const address = await options.pool.acquire();
  let lastSocketError: string | undefined;
  let operation: Operation = 'connect+open';
  let at = performance.now();
  const connection = connect({
    url: options.wsUrl,
    server: options.server,
    session: { replyTimeoutMs: 30_000 },
    createSocket: (url) => {
      const ws = new WebSocket(url, {
        origin: options.origin,
        localAddress: address,
        perMessageDeflate: false,
      });
      // The refused upgrade's status only shows in ws's error message.
      ws.on('error', (error) => (lastSocketError = error.message));
      // ws implements the DOM event-handler surface the browser code uses
      // (binaryType 'arraybuffer', onopen/onmessage/onclose/onerror).
      return ws as unknown as WebSocketLike;
    },
  });
  const { session } = connection;
  const done = (): void => {
    const now = performance.now();
    result.latencies[operation].push(now - at);
    at = now;
  };
  try {
    await connection.opened;
    await session.greeting;
    done();
    operation = 'login';
    await session.login(
      { username: user.name, password: user.password },
      { mechanisms: [options.mechanism] },
    );
    done();
    operation = 'list';
    const [uidl, list] = await Promise.all([session.uidl(), session.list()]);
    if (uidl.length !== options.messages || list.length !== options.messages) {
      throw new Error(`listed ${uidl.length} UIDs and ${list.length} sizes`);
    }
    done();
    const entry = list[Math.floor(Math.random() * list.length)]!;
    operation = 'top';
    await session.top(entry.msg, 0);
    done();
    operation = 'retr';
    const body = await session.retr(entry.msg, { expectedSize: entry.size });
    // RFC 1939 §11: LIST gives the exact size; a short or long body was mangled on the way.
    if (body.length !== entry.size)
      throw new Error(`RETR gave ${body.length} of ${entry.size} octets`);
    result.retrBytes += body.length;
    done();
    operation = 'quit';
    await session.quit();
    done();
    result.completed += 1;
  } catch (error) {
    const key = `${operation}: ${describe(error, lastSocketError)}`;
    result.errors.set(key, (result.errors.get(key) ?? 0) + 1);
    connection.close();
  } finally {
    await connection.ended;
    options.pool.release(address);
  }
}

/** A stable code and the detail that tells refusals apart (HTTP status, close code). */
function describe(error: unknown, socketError: string | undefined): string {
  const cause = error instanceof Pop3Error && error.code === 'POP3_CLOSED' ? error.cause : error;
  if (cause instanceof ConnectionError) {
    const { gatewayCode, closeCode } = cause.details;
    const detail = [gatewayCode, closeCode === undefined ? undefined : `close ${closeCode}`]
      .filter(Boolean)
      .join(', ');
    const http = /Unexpected server response: (\d+)/.exec(socketError ?? '')?.[1];
    return `${cause.code}${detail ? ` (${detail})` : ''}${http ? ` HTTP ${http}` : ''}`;
  }
  if (error instanceof Pop3Error) return error.code;
  return `${(error as Error).name}: ${(error as Error).message}`;
}
