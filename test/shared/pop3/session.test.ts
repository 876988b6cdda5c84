import { describe, expect, it } from 'vitest';
import { Pop3Error, Pop3ReplyError } from '../../../shared/pop3/errors.ts';
import { scriptedSession, table } from '../../support/scripted-peer.ts';
import { instanceOf } from '../../support/instance.ts';

const CAPA_BASIC = '+OK\r\nUSER\r\nTOP\r\nUIDL\r\n.\r\n';
const CAPA_PIPELINED = '+OK\r\nUSER\r\nTOP\r\nUIDL\r\nPIPELINING\r\n.\r\n';
const LOGIN = { username: 'alice', password: 'secret one' };

async function rejection(promise: Promise<unknown>): Promise<Pop3Error> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(Pop3Error);
    return error as Pop3Error;
  }
  throw new Error('expected a rejection');
}

describe('Pop3Session sign-in', () => {
  it('uses USER/PASS one at a time without PIPELINING', async () => {
    const { session, peer } = scriptedSession(
      table({ CAPA: CAPA_BASIC, 'USER alice': '+OK\r\n', 'PASS secret one': '+OK in\r\n' }),
    );
    expect(await session.login(LOGIN)).toBe('USER');
    expect(session.state).toBe('transaction');
    expect(peer.lines).toEqual(['CAPA', 'USER alice', 'PASS secret one']);
    expect(peer.maxOutstanding).toBe(1);
  });

  it('sends USER and PASS in one write with PIPELINING', async () => {
    const { session, peer } = scriptedSession(
      table({ CAPA: CAPA_PIPELINED, 'USER alice': '+OK\r\n', 'PASS secret one': '+OK\r\n' }),
    );
    await session.login(LOGIN);
    expect(peer.writes).toContain('USER alice\r\nPASS secret one\r\n');
  });

  it('assumes USER/PASS when the server has no CAPA', async () => {
    const { session } = scriptedSession(
      table({ 'USER alice': '+OK\r\n', 'PASS secret one': '+OK\r\n' }),
    );
    expect(await session.login(LOGIN)).toBe('USER');
    expect((await session.capabilities()).hasTop).toBe(true);
  });

  it('prefers SASL PLAIN with an initial response (RFC 5034)', async () => {
    const { session, peer } = scriptedSession((line) =>
      line === 'CAPA'
        ? '+OK\r\nSASL PLAIN\r\nUSER\r\n.\r\n'
        : line.startsWith('AUTH PLAIN ')
          ? '+OK\r\n'
          : '-ERR\r\n',
    );
    expect(await session.login(LOGIN)).toBe('PLAIN');
    const auth = peer.lines[1] ?? '';
    expect(atob(auth.slice('AUTH PLAIN '.length))).toBe('\0alice\0secret one');
  });

  it('stops at -ERR [AUTH]: wrong credentials are not retried with another mechanism', async () => {
    const { session, peer } = scriptedSession((line) =>
      line === 'CAPA'
        ? '+OK\r\nSASL PLAIN\r\nUSER\r\n.\r\n'
        : '-ERR [AUTH] Authentication failed.\r\n',
    );
    const error = await rejection(session.login(LOGIN));
    expect(error.code).toBe('POP3_AUTH_FAILED');
    expect(instanceOf(error, Pop3ReplyError).responseCode).toBe('AUTH');
    expect(peer.lines.some((line) => line.startsWith('USER'))).toBe(false);
    expect(error.message).not.toContain('secret');
  });

  it('falls back to the next mechanism after an -ERR without a code', async () => {
    const { session, peer } = scriptedSession((line) => {
      if (line === 'CAPA') return '+OK\r\nSASL PLAIN\r\nUSER\r\n.\r\n';
      if (line.startsWith('AUTH')) return '-ERR mechanism not available\r\n';
      return '+OK\r\n';
    });
    expect(await session.login(LOGIN)).toBe('USER');
    expect(peer.lines.map((line) => line.split(' ')[0])).toEqual(['CAPA', 'AUTH', 'USER', 'PASS']);
  });

  it('reports [IN-USE] as busy, not as a wrong password', async () => {
    const { session } = scriptedSession((line) =>
      line === 'PASS secret one'
        ? '-ERR [IN-USE] Mailbox locked\r\n'
        : line === 'CAPA'
          ? CAPA_BASIC
          : '+OK\r\n',
    );
    const error = await rejection(session.login(LOGIN));
    expect(error).toBeInstanceOf(Pop3ReplyError);
    expect(error.code).toBe('POP3_ERR');
    expect(instanceOf(error, Pop3ReplyError).isTransient).toBe(true);
    expect(instanceOf(error, Pop3ReplyError).command).toBe('PASS ****** [10]');
  });

  it('reports [SYS/PERM] as a broken server, not as a wrong password, and tries nothing else', async () => {
    const { session, peer } = scriptedSession((line) =>
      line === 'CAPA'
        ? '+OK\r\nSASL PLAIN\r\nUSER\r\n.\r\n'
        : '-ERR [SYS/PERM] mail store unavailable\r\n',
    );
    const error = await rejection(session.login(LOGIN));
    expect(error).toBeInstanceOf(Pop3ReplyError);
    expect(error.code).toBe('POP3_ERR');
    expect(instanceOf(error, Pop3ReplyError).responseCode).toBe('SYS/PERM');
    expect(instanceOf(error, Pop3ReplyError).meaning).toBe('permanent');
    expect(instanceOf(error, Pop3ReplyError).isTransient).toBe(false);
    expect(peer.lines.map((line) => line.split(' ')[0])).toEqual(['CAPA', 'AUTH']);
  });

  it('uses APOP when nothing else is offered (RFC 1939 §7)', async () => {
    const { session, peer } = scriptedSession(
      table({
        CAPA: '+OK\r\nTOP\r\n.\r\n',
        'APOP mrose c4c9334bac560ecc979e58001b3e22fb': '+OK\r\n',
      }),
      { greeting: '+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n' },
    );
    expect(await session.login({ username: 'mrose', password: 'tanstaaf' })).toBe('APOP');
    expect(peer.lines).toContain('APOP mrose c4c9334bac560ecc979e58001b3e22fb');
  });

  it('fails with POP3_NO_AUTH_MECHANISM when nothing fits', async () => {
    const { session } = scriptedSession(table({ CAPA: '+OK\r\nSASL GSSAPI\r\n.\r\n' }));
    expect((await rejection(session.login(LOGIN))).code).toBe('POP3_NO_AUTH_MECHANISM');
  });

  it('rejects everything when the greeting is -ERR', async () => {
    const { session } = scriptedSession(table({}), { greeting: '-ERR [SYS/TEMP] overloaded\r\n' });
    const error = await rejection(session.greeting);
    expect(error).toBeInstanceOf(Pop3ReplyError);
    expect(error.code).toBe('POP3_ERR');
    expect(instanceOf(error, Pop3ReplyError).responseCode).toBe('SYS/TEMP');
    // The greeting is its own kind of reply: no command was sent, so none failed.
    expect(instanceOf(error, Pop3ReplyError).command).toBe('greeting');
    expect(error.message).toBe('the server refused the session in its greeting: overloaded');
    await expect(session.login(LOGIN)).rejects.toBeInstanceOf(Pop3Error);
  });
});

/** A signed-in session over a mailbox of `count` messages. */
async function mailbox(
  count: number,
  capa: string,
  extra: (line: string) => string | undefined = () => undefined,
) {
  const { session, peer } = scriptedSession((line) => {
    const special = extra(line);
    if (special !== undefined) return special;
    const [verb, arg] = line.split(' ');
    const msg = Number(arg);
    switch (verb) {
      case 'CAPA':
        return capa;
      case 'USER':
      case 'PASS':
      case 'DELE':
      case 'QUIT':
        return '+OK\r\n';
      case 'STAT':
        return `+OK ${count} ${count * 100}\r\n`;
      case 'UIDL':
        return arg
          ? `+OK ${msg} uid-${msg}\r\n`
          : `+OK\r\n${Array.from({ length: count }, (_, i) => `${i + 1} uid-${i + 1}\r\n`).join('')}.\r\n`;
      case 'TOP':
        return `+OK\r\nSubject: message ${msg}\r\n..dotted\r\n\r\n.\r\n`;
      case 'RETR':
        return `+OK\r\n${`line of message ${msg}\r\n`.repeat(50)}.\r\n`;
      default:
        return '-ERR\r\n';
    }
  });
  await session.login(LOGIN);
  peer.writes.length = 0;
  peer.lines.length = 0;
  return { session, peer };
}

describe('Pop3Session transaction', () => {
  it('pipelines TOP for many messages into few writes', async () => {
    const { session, peer } = await mailbox(500, CAPA_PIPELINED);
    const seen: number[] = [];
    await session.topMany(
      Array.from({ length: 500 }, (_, i) => i + 1),
      0,
      (msg, bytes) => {
        expect(new TextDecoder().decode(bytes)).toBe(`Subject: message ${msg}\r\n.dotted\r\n\r\n`);
        seen.push(msg);
      },
    );
    expect(seen).toHaveLength(500);
    expect(peer.lines).toHaveLength(500);
    expect(peer.writes.length).toBeLessThanOrEqual(2);
    expect(peer.maxOutstanding).toBeGreaterThan(100);
  });

  it('sends one command at a time without PIPELINING', async () => {
    const { session, peer } = await mailbox(20, CAPA_BASIC);
    await session.topMany(
      Array.from({ length: 20 }, (_, i) => i + 1),
      0,
    );
    expect(peer.lines).toHaveLength(20);
    expect(peer.maxOutstanding).toBe(1);
  });

  it('turns pipelining off when replies come back out of step', async () => {
    const { session, peer } = await mailbox(3, CAPA_PIPELINED, (line) =>
      line.startsWith('TOP') ? 'Subject: no status line\r\n' : undefined,
    );
    const results = await Promise.allSettled([
      session.top(1, 0),
      session.top(2, 0),
      session.top(3, 0),
    ]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect(((result as PromiseRejectedResult).reason as Pop3Error).code).toBe(
        'POP3_PIPELINING_BROKEN',
      );
    }
    expect(session.isPipeliningBroken).toBe(true);
    expect(peer.isClosed).toBe(true);
  });

  it('streams RETR with progress', async () => {
    const { session } = await mailbox(3, CAPA_BASIC);
    const progress: number[] = [];
    const bytes = await session.retr(2, {
      expectedSize: 1500,
      onProgress: (received) => progress.push(received),
    });
    expect(new TextDecoder().decode(bytes)).toBe('line of message 2\r\n'.repeat(50));
    expect(progress.at(-1)).toBe(bytes.length);
    const chunks: Uint8Array[] = [];
    const size = await session.retrStream(3, (chunk) => chunks.push(chunk));
    expect(size).toBe(950);
  });

  it('checks the UIDL before DELE and refuses a changed number', async () => {
    const { session, peer } = await mailbox(3, CAPA_BASIC);
    await session.uidl();
    await session.dele(2, 'uid-2');
    expect(peer.lines).toEqual(['UIDL', 'DELE 2']);
    const error = await rejection(session.dele(3, 'uid-2'));
    expect(error.code).toBe('POP3_UNEXPECTED_REPLY');
    expect(peer.lines).not.toContain('DELE 3');
    // No public way round the check: sign-in's channel carries sign-in commands only.
    // @ts-expect-error exchange() is private, so a caller cannot send a raw DELE
    expect(typeof session.exchange).toBe('function');
  });

  it('asks UIDL n before DELE when the listing was not read in this session', async () => {
    const { session, peer } = await mailbox(3, CAPA_PIPELINED);
    await session.dele(3, 'uid-3');
    expect(peer.lines).toEqual(['UIDL 3', 'DELE 3']);
    await expect(session.dele(1, 'uid-9')).rejects.toBeInstanceOf(Pop3Error);
    expect(peer.lines).not.toContain('DELE 1');
  });

  it('fails pending commands with POP3_CLOSED when the connection drops mid-reply', async () => {
    const { session, peer } = await mailbox(3, CAPA_BASIC, (line) =>
      line.startsWith('RETR') ? '' : undefined,
    );
    const retr = session.retr(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    peer.send('+OK\r\npartial line\r\n');
    session.transportClosed(new Error('reset'));
    expect((await rejection(retr)).code).toBe('POP3_CLOSED');
    expect((await rejection(session.noop())).code).toBe('POP3_CLOSED');
  });

  it('times out a stalled reply', async () => {
    const { session, peer } = scriptedSession(
      (line) => (line === 'STAT' ? undefined : line === 'CAPA' ? CAPA_BASIC : '+OK\r\n'),
      { replyTimeoutMs: 50 },
    );
    await session.login(LOGIN);
    expect((await rejection(session.stat())).code).toBe('POP3_TIMEOUT');
    expect(peer.isClosed).toBe(true);
  });

  it('refuses invalid arguments without writing', async () => {
    const { session, peer } = await mailbox(3, CAPA_BASIC);
    expect((await rejection(session.retr(0))).code).toBe('POP3_BAD_COMMAND');
    expect((await rejection(session.dele(-1, 'x'))).code).toBe('POP3_BAD_COMMAND');
    expect(peer.writes).toEqual([]);
  });

  it('checks that LIST n and UIDL n echo n', async () => {
    const { session } = await mailbox(3, CAPA_BASIC, (line) =>
      line === 'UIDL 2' ? '+OK 3 uid-3\r\n' : undefined,
    );
    expect((await rejection(session.uidlOne(2))).code).toBe('POP3_BAD_LISTING');
  });

  it('QUIT commits and closes', async () => {
    const { session, peer } = await mailbox(3, CAPA_BASIC);
    await session.quit();
    expect(session.state).toBe('closed');
    expect(peer.isClosed).toBe(true);
    expect(peer.lines).toEqual(['QUIT']);
  });
});
