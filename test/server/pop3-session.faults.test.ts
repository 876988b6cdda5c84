// The shared session against servers that lack CAPA, UIDL, TOP or a working
// PIPELINING, and servers that stall or drop: the embedded demo server plays
// each with fault injection. Every case ends in a typed error or still works.
import { afterEach, describe, expect, it } from 'vitest';
import {
  startDemoServer,
  type DemoServer,
  type DemoServerOptions,
} from '../../server/demo/index.ts';
import { openPop3Session, type OpenedSession } from '../../server/pop3-client.ts';
import type { Pop3SessionOptions } from '../../shared/pop3/session.ts';
import { Pop3Error } from '../../shared/pop3/errors.ts';

const servers: DemoServer[] = [];
const sessions: OpenedSession[] = [];

afterEach(async () => {
  for (const { connection } of sessions.splice(0)) connection.socket.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function connect(options: DemoServerOptions, session: Pop3SessionOptions = {}) {
  const server = await startDemoServer(options);
  servers.push(server);
  const opened = await openPop3Session(
    {
      host: server.host,
      port: server.port,
      tls: 'implicit',
      ca: server.ca,
      servername: server.servername,
    },
    { session },
  );
  sessions.push(opened);
  const user = server.users[0] ?? { name: '', password: '' };
  return {
    server,
    session: opened.session,
    credentials: { username: user.name, password: user.password },
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Pop3Error);
  return (error as Pop3Error).code;
}

describe('servers with fewer extensions', () => {
  it('works without CAPA: USER/PASS, listing, headers', async () => {
    const { session, credentials } = await connect({ capabilities: { capa: false } });
    expect(await session.login(credentials)).toBe('USER');
    const caps = await session.capabilities();
    expect(caps.isKnown).toBe(false);
    const list = await session.list();
    expect(list.length).toBeGreaterThan(5);
    const headers = new TextDecoder().decode(await session.headers(1));
    expect(headers).toMatch(/^Subject: /im);
    await session.quit();
  });

  it('reads headers with RETR when TOP is missing', async () => {
    const { server, session, credentials } = await connect({ capabilities: { top: false } });
    await session.login(credentials);
    expect((await session.capabilities()).hasTop).toBe(false);
    const headers = new TextDecoder().decode(await session.headers(2));
    expect(headers).toMatch(/\r\n\r\n$/);
    expect(headers).toMatch(/^From: /im);
    expect(server.receivedLines).not.toContain('TOP 2 0');
    await session.quit();
  });

  it('is read-only without UIDL: DELE is refused before it is sent', async () => {
    const { server, session, credentials } = await connect({ capabilities: { uidl: false } });
    await session.login(credentials);
    expect(await codeOf(session.dele(1, 'anything'))).toBe('POP3_UNSUPPORTED');
    expect(server.receivedLines.some((line) => line.startsWith('DELE'))).toBe(false);
    await session.quit();
  });

  it('is read-only without UIDL even when the server has no CAPA', async () => {
    const { server, session, credentials } = await connect({
      capabilities: { uidl: false, capa: false },
    });
    await session.login(credentials);
    expect(await codeOf(session.dele(1, 'anything'))).toBe('POP3_UNSUPPORTED');
    expect(server.receivedLines.some((line) => line.startsWith('DELE'))).toBe(false);
    await session.quit();
  });
});

describe('misbehaving servers', () => {
  it('a server that advertises PIPELINING and then answers out of step', async () => {
    const faults = {
      // From the second TOP on, replies lose their status line.
      onCommand: (command: { verb: string }, context: { commandIndex: number }) =>
        command.verb === 'TOP' && context.commandIndex > 3 ? 'Subject: stray\r\n' : undefined,
    };
    const { session, credentials } = await connect({ faults });
    await session.login(credentials);
    const results = await Promise.allSettled([1, 2, 3, 4].map((msg) => session.top(msg, 0)));
    const codes = results.map((result) =>
      result.status === 'rejected' ? (result.reason as Pop3Error).code : 'ok',
    );
    expect(codes).toContain('POP3_PIPELINING_BROKEN');
    expect(session.isPipeliningBroken).toBe(true);
    expect(session.state).toBe('closed');
  });

  it('a server that ignores pipelined commands: timeout, then it works one at a time', async () => {
    const pipelined = new Set<number>();
    const faults = {
      onCommand: (command: { verb: string; msg?: number }, context: { sessionIndex: number }) => {
        if (command.verb !== 'TOP') return undefined;
        // The first session stalls once two TOPs were sent without waiting.
        if (context.sessionIndex === 0 && pipelined.size > 0) return 'stall';
        pipelined.add(command.msg ?? 0);
        return undefined;
      },
    };
    const { server, session, credentials } = await connect({ faults }, { replyTimeoutMs: 300 });
    await session.login(credentials);
    const results = await Promise.allSettled([1, 2, 3].map((msg) => session.top(msg, 0)));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(((results[1] as PromiseRejectedResult).reason as Pop3Error).code).toBe('POP3_TIMEOUT');
    expect(session.isPipeliningBroken).toBe(true);
    // The server frees the maildrop once it sees the broken session leave.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const retry = await openPop3Session(
      {
        host: server.host,
        port: server.port,
        tls: 'implicit',
        ca: server.ca,
        servername: server.servername,
      },
      { session: { pipelining: 'off', replyTimeoutMs: 2000 } },
    );
    sessions.push(retry);
    await retry.session.login(credentials);
    let headers = 0;
    await retry.session.topMany([1, 2, 3], 0, () => headers++);
    expect(headers).toBe(3);
    await retry.session.quit();
  });

  it('a stall mid-RETR ends in POP3_TIMEOUT', async () => {
    const faults = {
      onCommand: (command: { verb: string }) =>
        command.verb === 'RETR' ? '+OK\r\nFrom: a@example.org\r\n' : undefined,
    };
    const { session, credentials } = await connect({ faults }, { replyTimeoutMs: 300 });
    await session.login(credentials);
    expect(await codeOf(session.retr(1))).toBe('POP3_TIMEOUT');
  });

  it('a connection dropped mid-reply ends in POP3_CLOSED and deletes nothing', async () => {
    const { server, session, credentials } = await connect({
      faults: {
        onCommand: (command: { verb: string }) => (command.verb === 'RETR' ? 'drop' : undefined),
      },
    });
    await session.login(credentials);
    const before = server.mailbox(credentials.username).length;
    const uidl = await session.uidl();
    await session.dele(1, uidl[0]?.uidl ?? '');
    expect(await codeOf(session.retr(2))).toBe('POP3_CLOSED');
    expect(server.mailbox(credentials.username)).toHaveLength(before);
  });

  it('an endless status line ends in POP3_LINE_TOO_LONG', async () => {
    const faults = {
      onCommand: (command: { verb: string }) =>
        command.verb === 'STAT' ? '+OK '.padEnd(64 * 1024, 'x') : undefined,
    };
    const { session, credentials } = await connect({ faults });
    await session.login(credentials);
    expect(await codeOf(session.stat())).toBe('POP3_LINE_TOO_LONG');
  });

  it('a listing with duplicate unique-ids is an error, not data', async () => {
    const faults = {
      onCommand: (command: { verb: string; msg?: number }) =>
        command.verb === 'UIDL' && command.msg === undefined
          ? '+OK\r\n1 same\r\n2 same\r\n.\r\n'
          : undefined,
    };
    const { session, credentials } = await connect({ faults });
    await session.login(credentials);
    expect(await codeOf(session.uidl())).toBe('POP3_BAD_LISTING');
  });
});
