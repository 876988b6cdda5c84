// Proves test/support/dovecot.ts against the real Dovecot with raw node:tls, and pins the
// Dovecot behaviour the codec and gateway rely on. Uses no project POP3 code on purpose.

import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DovecotError, startDovecot, type DovecotSlot } from '../support/dovecot.ts';
import { dovecotForFile } from '../support/shared-dovecot.ts';
import { instanceOf } from '../support/instance.ts';

/** A bare POP3 line reader over one socket: status lines and CRLF.CRLF-terminated bodies. */
class Wire {
  private buffered = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private isClosed = false;

  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake?.();
    });
    socket.on('close', () => {
      this.isClosed = true;
      this.wake?.();
    });
    socket.on('error', () => undefined);
  }

  /** The next line, without its CRLF. */
  async line(): Promise<string> {
    return (await this.take('\r\n')).subarray(0, -2).toString('latin1');
  }

  /** Send one command line, return the status line. */
  async send(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.line();
  }

  /** Send a multi-line command; the body is dot-unstuffed and keeps its last CRLF. */
  async multi(line: string): Promise<{ status: string; body: Buffer }> {
    const status = await this.send(line);
    if (!status.startsWith('+OK')) return { status, body: Buffer.alloc(0) };
    // RFC 1939 §3: a line of just "." ends the body; a CRLF in front lets an empty body match.
    this.buffered = Buffer.concat([Buffer.from('\r\n'), this.buffered]);
    const raw = await this.take('\r\n.\r\n');
    return { status, body: unstuff(raw.subarray(2, -3)) };
  }

  /** Stop reading so the socket can be handed to TLS (after STLS). */
  detach(): net.Socket {
    this.socket.removeAllListeners('data');
    return this.socket;
  }

  private async take(terminator: string): Promise<Buffer> {
    for (;;) {
      const at = this.buffered.indexOf(terminator);
      if (at >= 0) {
        const taken = this.buffered.subarray(0, at + terminator.length);
        this.buffered = this.buffered.subarray(at + terminator.length);
        return taken;
      }
      if (this.isClosed) throw new Error(`closed before ${JSON.stringify(terminator)}`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

// Lines starting ".." lose one dot (RFC 1939 §3 byte-stuffing).
function unstuff(body: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const atLineStart = i === 0 || (body[i - 1] === 0x0a && body[i - 2] === 0x0d);
    if (!(atLineStart && body[i] === 0x2e && body[i + 1] === 0x2e)) out.push(body[i]!);
  }
  return Buffer.from(out);
}

async function openImplicit(d: DovecotSlot): Promise<{ wire: Wire; greeting: string }> {
  const socket = tls.connect({
    host: d.host,
    port: d.implicitPort,
    ca: d.ca,
    servername: d.servername,
  });
  await new Promise((resolve, reject) =>
    socket.once('secureConnect', resolve).once('error', reject),
  );
  expect(socket.authorized).toBe(true);
  const wire = new Wire(socket);
  return { wire, greeting: await wire.line() };
}

async function openPlain(d: DovecotSlot): Promise<{ wire: Wire; greeting: string }> {
  const socket = net.connect(d.starttlsPort, d.host);
  const wire = new Wire(socket);
  return { wire, greeting: await wire.line() };
}

async function upgrade(d: DovecotSlot, wire: Wire): Promise<{ wire: Wire; socket: tls.TLSSocket }> {
  expect(await wire.send('STLS')).toMatch(/^\+OK/);
  const socket = tls.connect({ socket: wire.detach(), ca: d.ca, servername: d.servername });
  await new Promise((resolve, reject) =>
    socket.once('secureConnect', resolve).once('error', reject),
  );
  return { wire: new Wire(socket), socket };
}

async function login(d: DovecotSlot, name = 'alice', password = 'wonderland-1'): Promise<Wire> {
  const { wire } = await openImplicit(d);
  expect(await wire.send(`USER ${name}`)).toMatch(/^\+OK/);
  expect(await wire.send(`PASS ${password}`)).toMatch(/^\+OK/);
  return wire;
}

async function capabilities(wire: Wire): Promise<string[]> {
  const { status, body } = await wire.multi('CAPA');
  expect(status).toMatch(/^\+OK/);
  return body.toString('latin1').split('\r\n').filter(Boolean);
}

const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64');
const unb64 = (line: string): string => Buffer.from(line.slice(2), 'base64').toString('latin1');

// RFC 5802 client side, just enough to prove Dovecot's plaintext passdb serves SCRAM.
async function scramLogin(wire: Wire, hash: 'sha1' | 'sha256'): Promise<string> {
  const hmac = (key: Buffer, text: string): Buffer => createHmac(hash, key).update(text).digest();
  const first = `n=alice,r=${randomBytes(12).toString('base64')}`;
  const mechanism = hash === 'sha1' ? 'SCRAM-SHA-1' : 'SCRAM-SHA-256';
  const challenge = unb64(await wire.send(`AUTH ${mechanism} ${b64(`n,,${first}`)}`));
  const server = new Map(challenge.split(',').map((kv) => [kv.slice(0, 1), kv.slice(2)]));
  const salt = Buffer.from(server.get('s') ?? '', 'base64');
  const salted = pbkdf2Sync(
    'wonderland-1',
    salt,
    Number(server.get('i')),
    hash === 'sha1' ? 20 : 32,
    hash,
  );
  const withoutProof = `c=biws,r=${server.get('r')}`;
  const message = `${first},${challenge},${withoutProof}`;
  const clientKey = hmac(salted, 'Client Key');
  const signature = hmac(createHash(hash).update(clientKey).digest(), message);
  const proof = Buffer.from(clientKey.map((byte, i) => byte ^ signature[i]!)).toString('base64');
  const final = unb64(await wire.send(b64(`${withoutProof},p=${proof}`)));
  expect(final).toBe(`v=${hmac(hmac(salted, 'Server Key'), message).toString('base64')}`);
  return wire.send('');
}

const CRLF_MESSAGE = 'From: a@example.com\r\nSubject: one\r\n\r\nHello\r\n.dot line\r\n';
const LF_MESSAGE = 'From: b@example.com\nSubject: two\n\nLF only\n..two dots\n';
// "中文邮件" in GBK, raw 8-bit: must arrive byte for byte.
const GBK_MESSAGE = Buffer.concat([
  Buffer.from('Subject: three\r\nContent-Type: text/plain; charset=GBK\r\n'),
  Buffer.from('Content-Transfer-Encoding: 8bit\r\n\r\n'),
  Buffer.from([0xd6, 0xd0, 0xce, 0xc4, 0xd3, 0xca, 0xbc, 0xfe, 0x0d, 0x0a]),
]);
const THREE = [CRLF_MESSAGE, LF_MESSAGE, GBK_MESSAGE];

// Dovecot sends every lone LF as CRLF and counts LIST/STAT sizes that way.
const toCrlf = (message: string | Buffer): Buffer =>
  Buffer.from(
    Buffer.from(message)
      .toString('latin1')
      .replace(/(?<!\r)\n/g, '\r\n'),
    'latin1',
  );

// The slot this file takes of the run's shared Dovecot: the same helpers as a private one.
describe("a test file's Dovecot", () => {
  let d: DovecotSlot;
  beforeAll(async () => {
    d = await dovecotForFile();
  });
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  afterAll(() => d?.stop());
  beforeEach(() => d.clearMailbox('alice'));

  it('speaks implicit TLS verified against the returned CA, with an APOP greeting', async () => {
    const { wire, greeting } = await openImplicit(d);
    expect(greeting).toMatch(/^\+OK Dovecot.* <[^>]+>$/);
    expect(instanceOf(wire.socket, tls.TLSSocket).getProtocol()).toMatch(/^TLSv1\.[23]$/);
    expect(d).toMatchObject({ host: '127.0.0.1', servername: 'localhost' });
    wire.socket.destroy();
  });

  it('advertises TOP, UIDL, PIPELINING, RESP-CODES and SASL with every mechanism but APOP', async () => {
    const { wire } = await openImplicit(d);
    const capa = await capabilities(wire);
    expect(capa).toEqual(
      expect.arrayContaining(['TOP', 'UIDL', 'PIPELINING', 'RESP-CODES', 'USER']),
    );
    expect(capa).toContain('SASL PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256');
    expect(capa).not.toContain('STLS');
    wire.socket.destroy();
  });

  it('offers STLS on the starttls port and drops it from CAPA once upgraded', async () => {
    const plain = await openPlain(d);
    expect(plain.greeting).toMatch(/^\+OK/);
    expect(await capabilities(plain.wire)).toContain('STLS');
    const { wire, socket } = await upgrade(d, plain.wire);
    expect(socket.authorized).toBe(true);
    expect(await capabilities(wire)).not.toContain('STLS');
    expect(await wire.send('USER alice')).toBe('+OK');
    expect(await wire.send('PASS wonderland-1')).toBe('+OK Logged in.');
    socket.destroy();
  });

  it('logs in with USER/PASS and answers a wrong password with -ERR [AUTH]', async () => {
    const { wire } = await openImplicit(d);
    expect(await wire.send('USER alice')).toBe('+OK');
    expect(await wire.send('PASS nope')).toBe('-ERR [AUTH] Authentication failed.');
    expect(await wire.send('USER nobody')).toBe('+OK');
    expect(await wire.send('PASS nope')).toBe('-ERR [AUTH] Authentication failed.');
    expect(await wire.send('USER alice')).toBe('+OK');
    expect(await wire.send('PASS wonderland-1')).toBe('+OK Logged in.');
    expect(await wire.send('STAT')).toBe('+OK 0 0');
    wire.socket.destroy();
  });

  it.each([
    [
      'APOP',
      async (wire: Wire, greeting: string) => {
        const stamp = /<[^>]+>/.exec(greeting)![0];
        return wire.send(
          `APOP alice ${createHash('md5').update(`${stamp}wonderland-1`).digest('hex')}`,
        );
      },
    ],
    ['PLAIN', (wire: Wire) => wire.send(`AUTH PLAIN ${b64('\0alice\0wonderland-1')}`)],
    [
      'LOGIN',
      async (wire: Wire) => {
        expect(await wire.send('AUTH LOGIN')).toBe(`+ ${b64('Username:')}`);
        expect(await wire.send(b64('alice'))).toBe(`+ ${b64('Password:')}`);
        return wire.send(b64('wonderland-1'));
      },
    ],
    [
      'CRAM-MD5',
      async (wire: Wire) => {
        const challenge = unb64(await wire.send('AUTH CRAM-MD5'));
        const digest = createHmac('md5', 'wonderland-1').update(challenge).digest('hex');
        return wire.send(b64(`alice ${digest}`));
      },
    ],
    ['SCRAM-SHA-1', (wire: Wire) => scramLogin(wire, 'sha1')],
    ['SCRAM-SHA-256', (wire: Wire) => scramLogin(wire, 'sha256')],
  ])('logs in with %s against the plaintext passdb', async (_name, authenticate) => {
    const { wire, greeting } = await openImplicit(d);
    expect(await authenticate(wire, greeting)).toBe('+OK Logged in.');
    wire.socket.destroy();
  });

  it('serves delivered messages in order with exact sizes, CRLF-normalized, byte for byte', async () => {
    await d.addMessages('alice', THREE);
    const wire = await login(d);
    const expected = THREE.map(toCrlf);
    const total = expected.reduce((sum, m) => sum + m.length, 0);
    expect(await wire.send('STAT')).toBe(`+OK 3 ${total}`);
    const list = await wire.multi('LIST');
    expect(list.body.toString()).toBe(expected.map((m, i) => `${i + 1} ${m.length}\r\n`).join(''));
    for (const [i, message] of expected.entries()) {
      const retr = await wire.multi(`RETR ${i + 1}`);
      expect(retr.status).toBe(`+OK ${message.length} octets`);
      expect(retr.body).toEqual(message);
    }
    expect(await d.readMailbox('alice')).toEqual(THREE.map((m) => new Uint8Array(Buffer.from(m))));
    wire.socket.destroy();
  });

  it('adds CRLF after a last line without one, outside the LIST size; keeps a lone CR', async () => {
    await d.addMessages('alice', ['Subject: x\n\nno newline', 'Subject: y\r\n\r\nlone\rCR\r\n']);
    const wire = await login(d);
    const list = await wire.multi('LIST');
    expect(list.body.toString()).toBe('1 24\r\n2 23\r\n');
    const first = await wire.multi('RETR 1');
    expect(first.status).toBe('+OK 24 octets');
    // 26 bytes arrive for a 24-octet message: the terminator needs a line end.
    expect(first.body.toString()).toBe('Subject: x\r\n\r\nno newline\r\n');
    expect((await wire.multi('RETR 2')).body.toString()).toBe('Subject: y\r\n\r\nlone\rCR\r\n');
    wire.socket.destroy();
  });

  it('deletes exactly message 2 on DELE 2 + QUIT, and keeps the other UIDLs', async () => {
    await d.addMessages('alice', THREE);
    const first = await login(d);
    const uidls = (await first.multi('UIDL')).body.toString().split('\r\n').filter(Boolean);
    expect(uidls).toHaveLength(3);
    for (const entry of uidls) expect(entry).toMatch(/^\d [0-9a-f]{16}$/);
    expect(await first.send('DELE 2')).toMatch(/^\+OK/);
    expect(await first.send('QUIT')).toBe('+OK Logging out, messages deleted.');
    const kept = (await d.readMailbox('alice')).map((m) => Buffer.from(m));
    expect(kept).toEqual([Buffer.from(CRLF_MESSAGE), GBK_MESSAGE]);
    const second = await login(d);
    const after = (await second.multi('UIDL')).body.toString().split('\r\n').filter(Boolean);
    expect(after).toEqual([uidls[0], `2 ${uidls[2]!.slice(2)}`]);
    second.socket.destroy();
  });

  it('delivers 10,000 messages in order quickly', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `Subject: ${i}\r\n\r\nbody ${i}\r\n`);
    const started = performance.now();
    await d.addMessages('alice', many);
    const added = performance.now();
    const wire = await login(d);
    const stat = await wire.send('STAT');
    const listed = performance.now();
    console.info(
      `addMessages(10,000): ${(added - started).toFixed(0)} ms; ` +
        `login + first STAT: ${(listed - added).toFixed(0)} ms`,
    );
    const size = many.reduce((sum, m) => sum + m.length, 0);
    expect(stat).toBe(`+OK 10000 ${size}`);
    expect((await wire.multi('TOP 10000 0')).body.toString()).toBe('Subject: 9999\r\n\r\n');
    wire.socket.destroy();
  }, 30_000);
});

describe('slots of the shared Dovecot', () => {
  it('give each test file its own alice, password and maildir, on both of its ports', async () => {
    const [a, b] = await Promise.all([
      dovecotForFile(),
      dovecotForFile({ users: [{ name: 'alice', password: 'through the looking-glass' }] }),
    ]);
    try {
      expect(new Set([a.implicitPort, a.starttlsPort, b.implicitPort, b.starttlsPort]).size).toBe(
        4,
      );
      await a.addMessages('alice', ['Subject: a\r\n\r\n']);
      const inA = await login(a);
      expect(await inA.send('STAT')).toBe('+OK 1 14');
      inA.socket.destroy();
      const inB = await login(b, 'alice', 'through the looking-glass');
      expect(await inB.send('STAT')).toBe('+OK 0 0');
      inB.socket.destroy();
      const { wire } = await openImplicit(b);
      expect(await wire.send('USER alice')).toBe('+OK');
      expect(await wire.send('PASS wonderland-1')).toMatch(/^-ERR \[AUTH\]/);
      wire.socket.destroy();
      const plain = await openPlain(b);
      const upgraded = (await upgrade(b, plain.wire)).wire;
      expect(await upgraded.send('USER alice')).toBe('+OK');
      expect(await upgraded.send('PASS through the looking-glass')).toMatch(/^\+OK/);
      expect(await upgraded.send('STAT')).toBe('+OK 0 0');
      upgraded.socket.destroy();
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

describe('startDovecot options', () => {
  // Dovecot waits for the session dotlock for a hard-coded 10 s (not a setting) first.
  it('locks a mailbox to one session with lockSessions, after a 10 s wait', async () => {
    const d = await startDovecot({ lockSessions: true });
    try {
      const first = await login(d);
      const { wire } = await openImplicit(d);
      expect(await wire.send('USER alice')).toBe('+OK');
      const started = performance.now();
      const refused = await wire.send('PASS wonderland-1');
      console.info(`IN-USE after ${(performance.now() - started).toFixed(0)} ms`);
      expect(refused).toBe('-ERR [IN-USE] Mailbox is locked by another POP3 session.');
      await expect(wire.line()).rejects.toThrow(/closed/);
      expect(await first.send('QUIT')).toBe('+OK Logging out.');
      (await login(d)).socket.destroy();
    } finally {
      await d.stop();
    }
  }, 30_000);

  it('serves several users and runs instances side by side without sharing', async () => {
    const users = [
      { name: 'bob', password: 'pa:ss wörd' },
      { name: 'carol@example.com', password: 'x' },
    ];
    const [a, b] = await Promise.all([startDovecot({ users }), startDovecot()]);
    try {
      expect(new Set([a.implicitPort, a.starttlsPort, b.implicitPort, b.starttlsPort]).size).toBe(
        4,
      );
      await a.addMessages('bob', ['Subject: b\r\n\r\n']);
      expect(await a.readMailbox('carol@example.com')).toEqual([]);
      const wire = await login(a, 'bob', 'pa:ss wörd');
      expect(await wire.send('STAT')).toBe('+OK 1 14');
      wire.socket.destroy();
      expect(await b.readMailbox('alice')).toEqual([]);
      await expect(a.addMessages('alice', ['x'])).rejects.toThrow(DovecotError);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    const refused = net.connect(a.implicitPort, a.host);
    await expect(
      new Promise((_, reject) => refused.once('error', reject).once('connect', _)),
    ).rejects.toThrow(/ECONNREFUSED/);
  });

  // Dovecot treats remote IP == local IP as secured: ssl = required and disable_plaintext_auth
  // do not bite on loopback, so "plaintext refused" must be tested elsewhere.
  it('lets plaintext USER/PASS through before STLS on loopback, even with disablePlaintextAuth', async () => {
    const d = await startDovecot({ disablePlaintextAuth: true });
    try {
      const { wire } = await openPlain(d);
      expect(await capabilities(wire)).toEqual(expect.arrayContaining(['STLS', 'USER']));
      expect(await wire.send('USER alice')).toBe('+OK');
      expect(await wire.send('PASS wonderland-1')).toBe('+OK Logged in.');
      wire.socket.destroy();
    } finally {
      await d.stop();
    }
  });

  it('refuses bad user names before starting anything', async () => {
    await expect(startDovecot({ users: [{ name: 'a:b', password: 'x' }] })).rejects.toMatchObject({
      code: 'DOVECOT_BAD_OPTIONS',
    });
  });

  it("puts the tail of Dovecot's log in a start-up failure", async () => {
    const failure = startDovecot({ mechanisms: ['no-such-mechanism'] });
    await expect(failure).rejects.toMatchObject({ code: 'DOVECOT_START_FAILED' });
    await expect(failure).rejects.toThrow(
      /auth: Fatal: Unknown authentication mechanism 'NO-SUCH-MECHANISM'/,
    );
  });
});
