// The shared POP3 session against a real Dovecot over TLS: every sign-in
// mechanism Dovecot offers, listings, TOP, a large 8-bit RETR, DELE + QUIT,
// DELE + RSET, IN-USE, and STLS.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { openPop3Session, type OpenedSession } from '../../server/pop3-client.ts';
import { Pop3Error, Pop3ReplyError } from '../../shared/pop3/errors.ts';
import type { UpstreamTarget } from '../../server/upstream.ts';

const encoder = new TextEncoder();
const ALICE = { username: 'alice', password: 'wonderland-1' };

function message(subject: string, body: string | Uint8Array): Uint8Array {
  const head = encoder.encode(
    `From: Sender <sender@example.org>\r\nTo: alice@example.org\r\nSubject: ${subject}\r\n` +
      `Date: Mon, 2 Nov 2026 09:00:00 +0000\r\nMessage-ID: <${subject}@example.org>\r\n\r\n`,
  );
  const tail = typeof body === 'string' ? encoder.encode(body) : body;
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

/** ~5 MB of 8-bit lines, some starting with a dot, all CRLF-terminated. */
function largeBody(): Uint8Array {
  const lines: number[] = [];
  let seed = 7;
  for (let line = 0; line < 70_000; line++) {
    if (line % 97 === 0) lines.push(0x2e);
    for (let i = 0; i < 72; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const byte = (seed >>> 16) & 0xff;
      lines.push(byte === 0x0a || byte === 0x0d ? 0x20 : byte);
    }
    lines.push(0x0d, 0x0a);
  }
  return Uint8Array.from(lines);
}

// 你好，中文邮件 in GBK.
const GBK_BODY = Uint8Array.from([
  0xc4, 0xe3, 0xba, 0xc3, 0xa3, 0xac, 0xd6, 0xd0, 0xce, 0xc4, 0xd3, 0xca, 0xbc, 0xfe, 0x0d, 0x0a,
]);

let dovecot: Dovecot;
let target: UpstreamTarget;
let messages: Uint8Array[];

beforeAll(async () => {
  dovecot = await startDovecot({ lockSessions: true });
  target = {
    host: dovecot.host,
    port: dovecot.implicitPort,
    tls: 'implicit',
    ca: dovecot.ca,
    servername: dovecot.servername,
  };
  messages = [
    message('first', 'Hello.\r\n..starts with a dot\r\n'),
    message('gbk', GBK_BODY),
    message('large', largeBody()),
    message('last', 'Bye.\r\n'),
  ];
  await dovecot.addMessages('alice', messages);
});

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await dovecot?.stop();
});

// Sessions hold Dovecot's lock (lockSessions); a failed test must not leave
// one open for the next.
const opened: OpenedSession[] = [];
afterEach(() => {
  for (const { connection } of opened.splice(0)) connection.socket.destroy();
});

async function open(override: Partial<UpstreamTarget> = {}): Promise<OpenedSession> {
  const session = await openPop3Session({ ...target, ...override });
  opened.push(session);
  return session;
}

async function signedIn(): Promise<OpenedSession> {
  const session = await open();
  await session.session.login(ALICE);
  return session;
}

describe('Pop3Session against Dovecot', () => {
  for (const mechanism of [
    'SCRAM-SHA-256',
    'SCRAM-SHA-1',
    'PLAIN',
    'LOGIN',
    'CRAM-MD5',
    'USER',
    'APOP',
  ]) {
    it(`signs in with ${mechanism}`, async () => {
      const { session } = await open();
      const caps = await session.capabilities();
      if (mechanism !== 'USER' && mechanism !== 'APOP') expect(caps.sasl).toContain(mechanism);
      expect(await session.login(ALICE, { mechanisms: [mechanism], preferApop: true })).toBe(
        mechanism,
      );
      expect((await session.stat()).count).toBe(4);
      await session.quit();
    });
  }

  it('picks SCRAM-SHA-256 by default', async () => {
    const { session } = await open();
    expect(await session.login(ALICE)).toBe('SCRAM-SHA-256');
    await session.quit();
  });

  it('reports a wrong password as POP3_AUTH_FAILED after one attempt', async () => {
    const { session } = await open();
    const error = await session
      .login({ username: 'alice', password: 'nope' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Pop3ReplyError);
    expect((error as Pop3ReplyError).code).toBe('POP3_AUTH_FAILED');
    expect((error as Pop3ReplyError).responseCode).toBe('AUTH');
    expect((error as Error).message).not.toContain('nope');
    session.transportClosed();
  });

  it('lists, reads headers with TOP and the whole large 8-bit message with RETR', async () => {
    const { session } = await signedIn();
    const stat = await session.stat();
    const list = await session.list();
    const uidl = await session.uidl();
    expect(stat.count).toBe(4);
    expect(list.map((entry) => entry.msg)).toEqual([1, 2, 3, 4]);
    expect(list.reduce((sum, entry) => sum + entry.size, 0)).toBe(stat.size);
    expect(new Set(uidl.map((entry) => entry.uidl)).size).toBe(4);
    const top = new TextDecoder().decode(await session.top(1, 0));
    expect(top).toContain('Subject: first\r\n');
    expect(top.endsWith('\r\n\r\n')).toBe(true);
    const gbk = await session.retr(2);
    expect(Buffer.from(gbk).equals(Buffer.from(messages[1] ?? []))).toBe(true);
    expect(new TextDecoder('gbk').decode(gbk)).toContain('你好，中文邮件');
    let progressCalls = 0;
    const large = await session.retr(3, {
      expectedSize: list[2]?.size ?? 0,
      onProgress: () => progressCalls++,
    });
    expect(large.length).toBe(messages[2]?.length);
    expect(Buffer.compare(Buffer.from(large), Buffer.from(messages[2] ?? []))).toBe(0);
    expect(progressCalls).toBeGreaterThan(10);
    await session.quit();
  });

  it('pipelines headers of every message', async () => {
    const { session } = await signedIn();
    expect(session.isPipelining).toBe(true);
    const subjects: string[] = [];
    await session.topMany([1, 2, 3, 4], 0, (_msg, bytes) => {
      subjects.push(/Subject: (\w+)/.exec(new TextDecoder().decode(bytes))?.[1] ?? '');
    });
    expect(subjects).toEqual(['first', 'gbk', 'large', 'last']);
    await session.quit();
  });

  it('DELE then RSET deletes nothing', async () => {
    const { session } = await signedIn();
    const uidl = await session.uidl();
    await session.dele(1, uidl[0]?.uidl ?? '');
    await session.rset();
    await session.quit();
    expect(await dovecot.readMailbox('alice')).toHaveLength(4);
  });

  it('a session that ends without QUIT deletes nothing', async () => {
    const { session, connection } = await signedIn();
    const uidl = await session.uidl();
    await session.dele(2, uidl[1]?.uidl ?? '');
    connection.socket.destroy();
    // The mailbox lock (lockSessions) passes to a new session only once Dovecot has ended
    // the old one, so this login resolves after any expunge that session could have made.
    const next = await signedIn();
    expect((await next.session.stat()).count).toBe(4);
    await next.session.quit();
    expect(await dovecot.readMailbox('alice')).toHaveLength(4);
  });

  it('a second session gets [IN-USE], reported as busy', async () => {
    const first = await signedIn();
    const second = await open();
    const error = await second.session.login(ALICE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Pop3ReplyError);
    expect((error as Pop3ReplyError).responseCode).toBe('IN-USE');
    expect((error as Pop3ReplyError).isTransient).toBe(true);
    second.connection.socket.destroy();
    await first.session.quit();
  });

  it('upgrades with STLS and reads capabilities again', async () => {
    const { session, connection } = await openPop3Session({
      ...target,
      port: dovecot.starttlsPort,
      tls: 'starttls',
    });
    expect(connection.tls.authorized).toBe(true);
    const caps = await session.capabilities();
    expect(caps.hasStls).toBe(false);
    await session.login(ALICE);
    expect((await session.stat()).count).toBe(4);
    await session.quit();
  });

  it('DELE then QUIT removes exactly that message', async () => {
    const { session } = await signedIn();
    const uidl = await session.uidl();
    await session.dele(1, uidl[0]?.uidl ?? '');
    await session.quit();
    const left = await dovecot.readMailbox('alice');
    expect(left).toHaveLength(3);
    // Compare bytes, not arrays: a 5 MB toEqual diff would take minutes.
    expect(left.map((bytes) => Buffer.from(bytes).toString('base64'))).toEqual(
      messages.slice(1).map((bytes) => Buffer.from(bytes).toString('base64')),
    );
    const again = await signedIn();
    const after = await again.session.uidl();
    expect(after.map((entry) => entry.uidl)).toEqual(uidl.slice(1).map((entry) => entry.uidl));
    await expect(again.session.dele(1, uidl[0]?.uidl ?? '')).rejects.toBeInstanceOf(Pop3Error);
    await again.session.quit();
    expect(await dovecot.readMailbox('alice')).toHaveLength(3);
  });
});
