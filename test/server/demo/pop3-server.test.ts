// The demo server over real TLS sockets: sign-in, listings, RETR/TOP on the
// wire, deletions, locking, pipelining and the loopback-only rule.

import { Buffer } from 'node:buffer';
import { connect as connectTls, TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEMO_USER,
  DemoServerError,
  startDemoServer,
  type DemoServer,
  type DemoServerOptions,
} from '../../../server/demo/index.ts';
import { instanceOf } from '../../support/instance.ts';
import { apopDigest, signIn, TestClient, unstuff } from './pop3-test-client.ts';

const servers: DemoServer[] = [];
const clients: TestClient[] = [];

async function start(options?: DemoServerOptions): Promise<DemoServer> {
  const server = await startDemoServer(options);
  servers.push(server);
  return server;
}

async function open(server: DemoServer): Promise<{ client: TestClient; greeting: string }> {
  const client = await TestClient.connect(server);
  clients.push(client);
  return { client, greeting: await client.line() };
}

async function openSignedIn(server: DemoServer): Promise<TestClient> {
  const client = await signIn(server);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const base64 = (text: string): string => Buffer.from(text).toString('base64');

describe('connection', () => {
  it('listens on loopback with a certificate for localhost signed by the given CA', async () => {
    const server = await start();
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.servername).toBe('localhost');
    expect(server.ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(server.users).toEqual([DEMO_USER]);
    const { client, greeting } = await open(server);
    expect(instanceOf(client.socket, TLSSocket).authorized).toBe(true);
    expect(greeting).toMatch(/^\+OK .*not a real mailbox.* <[^<>@\s]+@localhost>$/);
  });

  it('is refused by a client that does not trust its CA', async () => {
    const server = await start();
    const socket = connectTls({ host: server.host, port: server.port, servername: 'localhost' });
    const error = await new Promise<Error>((resolve) => socket.once('error', resolve));
    expect((error as NodeJS.ErrnoException).code).toMatch(
      /SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY_LEAF/,
    );
  });

  it('advertises its capabilities (RFC 2449)', async () => {
    const { client } = await open(await start());
    expect(await client.command('CAPA')).toMatch(/^\+OK/);
    expect(await client.multiLines()).toEqual([
      'TOP',
      'UIDL',
      'USER',
      'PIPELINING',
      'RESP-CODES',
      'AUTH-RESP-CODE',
      'SASL PLAIN LOGIN',
      'EXPIRE NEVER',
      'IMPLEMENTATION pop3-webmail-demo',
    ]);
  });

  it('plays an older server when capabilities are switched off', async () => {
    const server = await start({
      capabilities: { capa: false, uidl: false, top: false, apop: false, pipelining: false },
    });
    const { client, greeting } = await open(server);
    expect(greeting).not.toContain('<');
    expect(await client.command('CAPA')).toMatch(/^-ERR/);
    expect(await client.command(`APOP demo ${'0'.repeat(32)}`)).toBe('-ERR APOP is not offered');
    client.send('USER demo', 'PASS demo');
    await client.line();
    expect(await client.line()).toMatch(/^\+OK/);
    expect(await client.command('UIDL')).toMatch(/^-ERR/);
    expect(await client.command('TOP 1 0')).toMatch(/^-ERR/);
    expect(await client.command('STAT')).toMatch(/^\+OK \d+ \d+$/);
  });

  it('leaves PIPELINING out of CAPA when told to', async () => {
    const { client } = await open(await start({ capabilities: { pipelining: false, sasl: [] } }));
    await client.command('CAPA');
    const lines = await client.multiLines();
    expect(lines).not.toContain('PIPELINING');
    expect(lines.some((line) => line.startsWith('SASL'))).toBe(false);
  });
});

describe('sign-in', () => {
  it('accepts USER/PASS', async () => {
    const { client } = await open(await start());
    expect(await client.command('USER demo')).toMatch(/^\+OK/);
    expect(await client.command('PASS demo')).toMatch(/^\+OK demo's maildrop has 30 messages/);
  });

  it('accepts APOP with MD5(timestamp + password)', async () => {
    const { client, greeting } = await open(await start());
    const digest = apopDigest(greeting, 'demo');
    expect(await client.command(`APOP demo ${digest}`)).toMatch(/^\+OK/);
  });

  it('rejects APOP with a digest for another timestamp', async () => {
    const { client } = await open(await start());
    const digest = apopDigest('<1.2@localhost>', 'demo');
    expect(await client.command(`APOP demo ${digest}`)).toMatch(/^-ERR \[AUTH\]/);
  });

  it('accepts AUTH PLAIN with an initial response (RFC 5034)', async () => {
    const { client } = await open(await start());
    expect(await client.command(`AUTH PLAIN ${base64('\0demo\0demo')}`)).toMatch(/^\+OK/);
  });

  it('accepts AUTH PLAIN after an empty challenge', async () => {
    const { client } = await open(await start());
    expect(await client.command('AUTH PLAIN')).toBe('+ ');
    expect(await client.command(base64('demo\0demo\0demo'))).toMatch(/^\+OK/);
  });

  it('accepts AUTH LOGIN', async () => {
    const { client } = await open(await start());
    expect(await client.command('AUTH LOGIN')).toBe(`+ ${base64('Username:')}`);
    expect(await client.command(base64('demo'))).toBe(`+ ${base64('Password:')}`);
    expect(await client.command(base64('demo'))).toMatch(/^\+OK/);
  });

  it('cancels AUTH on "*" and stays usable', async () => {
    const { client } = await open(await start());
    expect(await client.command('AUTH PLAIN')).toBe('+ ');
    expect(await client.command('*')).toMatch(/^-ERR/);
    client.send('USER demo', 'PASS demo');
    await client.line();
    expect(await client.line()).toMatch(/^\+OK/);
  });

  it('refuses a mechanism it does not offer, and PLAIN for another identity', async () => {
    const { client } = await open(await start());
    expect(await client.command('AUTH CRAM-MD5')).toMatch(/^-ERR/);
    expect(await client.command(`AUTH PLAIN ${base64('admin\0demo\0demo')}`)).toMatch(
      /^-ERR \[AUTH\]/,
    );
  });

  it('answers a wrong password with -ERR [AUTH] after a delay, then allows a retry', async () => {
    const { client } = await open(await start());
    await client.command('USER demo');
    const started = Date.now();
    expect(await client.command('PASS wrong')).toMatch(/^-ERR \[AUTH\] /);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(await client.command('PASS demo')).toBe('-ERR send USER first');
    client.send('USER demo', 'PASS demo');
    await client.line();
    expect(await client.line()).toMatch(/^\+OK/);
  });

  it('gives an unknown user the same answer as a wrong password', async () => {
    const { client } = await open(await start());
    expect(await client.command('USER nobody')).toMatch(/^\+OK/);
    expect(await client.command('PASS demo')).toMatch(/^-ERR \[AUTH\] /);
  });

  it('answers -ERR [IN-USE] to a second session of the same user (RFC 2449 §8.1.1)', async () => {
    const server = await start();
    const first = await openSignedIn(server);
    const { client: second } = await open(server);
    await second.command('USER demo');
    expect(await second.command('PASS demo')).toMatch(/^-ERR \[IN-USE\] /);
    expect(await first.command('QUIT')).toMatch(/^\+OK/);
    expect(await second.command('USER demo')).toMatch(/^\+OK/);
    expect(await second.command('PASS demo')).toMatch(/^\+OK/);
  });

  it('keeps one mailbox per user', async () => {
    const server = await start({
      users: [
        { name: 'ann', password: 'a-secret' },
        { name: 'ben', password: 'b-secret' },
      ],
      mailbox: (user) => [
        { uidl: `only-${user}`, bytes: Buffer.from(`Subject: ${user}\r\n\r\nhi\r\n`) },
      ],
    });
    const ann = await signIn(server, 'ann', 'a-secret');
    const ben = await signIn(server, 'ben', 'b-secret');
    clients.push(ann, ben);
    expect(await ann.command('UIDL 1')).toBe('+OK 1 only-ann');
    expect(await ben.command('UIDL 1')).toBe('+OK 1 only-ben');
    expect(server.mailbox('nobody')).toEqual([]);
  });

  it('redacts secrets in receivedLines', async () => {
    const server = await start();
    const { client, greeting } = await open(server);
    await client.command('USER demo');
    await client.command('PASS demo');
    await client.command('QUIT');
    const second = await open(server);
    await second.client.command(`APOP demo ${apopDigest(second.greeting, 'demo')}`);
    await second.client.command('QUIT');
    const third = await open(server);
    await third.client.command('AUTH PLAIN');
    await third.client.command(base64('\0demo\0demo'));
    expect(greeting).toBeTruthy();
    expect(server.receivedLines).toEqual([
      'USER demo',
      'PASS ****** [4]',
      'QUIT',
      'APOP demo ****** [32]',
      'QUIT',
      'AUTH PLAIN',
      '****** [16]',
    ]);
    expect(server.sessionCount).toBe(3);
  });
});

describe('transaction', () => {
  it('answers STAT, LIST and UIDL consistently with the mailbox', async () => {
    const server = await start();
    const client = await openSignedIn(server);
    const messages = server.mailbox('demo');
    const size = messages.reduce((sum, message) => sum + message.bytes.length, 0);
    expect(messages).toHaveLength(30);
    expect(await client.command('STAT')).toBe(`+OK 30 ${size}`);
    expect(await client.command('LIST')).toBe(`+OK 30 messages (${size} octets)`);
    expect(await client.multiLines()).toEqual(
      messages.map((message, index) => `${index + 1} ${message.bytes.length}`),
    );
    expect(await client.command('UIDL')).toMatch(/^\+OK/);
    expect(await client.multiLines()).toEqual(
      messages.map((message, index) => `${index + 1} ${message.uidl}`),
    );
    expect(await client.command('LIST 3')).toBe(`+OK 3 ${messages[2]?.bytes.length}`);
    expect(await client.command('UIDL 3')).toBe(`+OK 3 ${messages[2]?.uidl}`);
    expect(await client.command('LIST 31')).toMatch(/^-ERR no such message/);
  });

  it('sends RETR dot-stuffed on the wire, and exactly the message once unstuffed', async () => {
    const server = await start();
    const client = await openSignedIn(server);
    const messages = server.mailbox('demo');
    const index = messages.findIndex((message) => message.uidl === 'letter-dotfiles');
    const message = messages[index];
    if (!message) throw new Error('no dotfiles sample');
    expect(await client.command(`RETR ${index + 1}`)).toBe(`+OK ${message.bytes.length} octets`);
    const wire = await client.multiLineBody();
    const lines = wire.toString('latin1').split('\r\n');
    expect(lines).toContain('..bashrc        aliases, prompt, PATH');
    expect(lines).toContain('..');
    expect(lines).toContain('...');
    expect(lines.filter((line) => line === '.')).toHaveLength(1);
    expect(unstuff(wire).equals(Buffer.from(message.bytes))).toBe(true);
  });

  it('returns every sample message byte for byte through RETR', async () => {
    const server = await start();
    const client = await openSignedIn(server);
    for (const [index, message] of server.mailbox('demo').entries()) {
      expect(await client.command(`RETR ${index + 1}`)).toMatch(/^\+OK/);
      expect(unstuff(await client.multiLineBody()).equals(Buffer.from(message.bytes))).toBe(true);
    }
  });

  it('answers TOP n 0 with the header and the blank line only, TOP n 2 with two more lines', async () => {
    const server = await start();
    const client = await openSignedIn(server);
    const bytes = Buffer.from(server.mailbox('demo')[0]?.bytes ?? []);
    const headerEnd = bytes.indexOf('\r\n\r\n') + 4;
    expect(await client.command('TOP 1 0')).toMatch(/^\+OK/);
    expect(unstuff(await client.multiLineBody()).equals(bytes.subarray(0, headerEnd))).toBe(true);
    expect(await client.command('TOP 1 2')).toMatch(/^\+OK/);
    const top = unstuff(await client.multiLineBody()).toString('latin1');
    expect(top.slice(headerEnd).split('\r\n')).toHaveLength(3);
    expect(bytes.toString('latin1').startsWith(top)).toBe(true);
  });

  it('deletes exactly the marked message at QUIT, for the next session', async () => {
    const server = await start();
    const before = server.mailbox('demo');
    const client = await openSignedIn(server);
    expect(await client.command('DELE 2')).toBe('+OK message 2 deleted');
    expect(await client.command('DELE 2')).toBe('-ERR message 2 already deleted');
    expect(await client.command('RETR 2')).toMatch(/^-ERR/);
    expect(await client.command('STAT')).toMatch(/^\+OK 29 /);
    expect(server.mailbox('demo')).toHaveLength(30);
    expect(await client.command('QUIT')).toBe(
      '+OK demo POP3 server signing off (29 messages left)',
    );
    await client.closed;

    const expected = before.filter((_, index) => index !== 1).map((message) => message.uidl);
    expect(server.mailbox('demo').map((message) => message.uidl)).toEqual(expected);
    const next = await openSignedIn(server);
    await next.command('UIDL');
    expect((await next.multiLines()).map((line) => line.split(' ')[1])).toEqual(expected);
  });

  it('deletes nothing when the session ends without QUIT', async () => {
    const server = await start();
    const client = await openSignedIn(server);
    expect(await client.command('DELE 1')).toMatch(/^\+OK/);
    await client.end();
    expect(server.mailbox('demo')).toHaveLength(30);
    const next = await openSignedIn(server);
    expect(await next.command('STAT')).toMatch(/^\+OK 30 /);
  });

  it('unmarks deletions on RSET', async () => {
    const server = await start();
    const client = await openSignedIn(server);
    await client.command('DELE 1');
    await client.command('DELE 5');
    expect(await client.command('RSET')).toMatch(/^\+OK maildrop has 30 messages/);
    expect(await client.command('QUIT')).toMatch(/\(30 messages left\)/);
    await client.closed;
    expect(server.mailbox('demo')).toHaveLength(30);
  });

  it('refuses commands in the wrong state and malformed lines, and carries on', async () => {
    const { client } = await open(await start());
    expect(await client.command('STAT')).toBe('-ERR command not valid in this state');
    expect(await client.command('PASS demo')).toBe('-ERR send USER first');
    expect(await client.command('XYZZY')).toMatch(/^-ERR unknown command/);
    expect(await client.command('RETR one')).toMatch(/^-ERR/);
    client.send('USER demo', 'PASS demo');
    await client.line();
    await client.line();
    expect(await client.command('USER demo')).toBe('-ERR command not valid in this state');
    expect(await client.command('RETR 0')).toMatch(/^-ERR/);
    expect(await client.command('NOOP')).toBe('+OK');
  });

  it('answers pipelined commands from one write in order', async () => {
    const server = await start();
    const { client } = await open(server);
    const first = server.mailbox('demo')[0];
    client.write(
      'USER demo\r\nPASS demo\r\nSTAT\r\nLIST 1\r\nUIDL 1\r\nTOP 1 0\r\nNOOP\r\nQUIT\r\n',
    );
    expect(await client.line()).toMatch(/^\+OK send PASS/);
    expect(await client.line()).toMatch(/^\+OK demo's maildrop/);
    expect(await client.line()).toMatch(/^\+OK 30 \d+$/);
    expect(await client.line()).toBe(`+OK 1 ${first?.bytes.length}`);
    expect(await client.line()).toBe(`+OK 1 ${first?.uidl}`);
    expect(await client.line()).toBe('+OK top of message follows');
    await client.multiLineBody();
    expect(await client.line()).toBe('+OK');
    expect(await client.line()).toMatch(/^\+OK .*signing off/);
    await client.closed;
  });

  it('streams a large message in order and exactly, with dots at chunk boundaries', async () => {
    const line = `${'x'.repeat(1022)}\r\n`;
    const lines: string[] = [];
    for (let index = 0; index < 4 * 1024; index++)
      lines.push(index % 64 === 0 ? `.${line.slice(1)}` : line);
    const bytes = Buffer.from(`Subject: big\r\n\r\n${lines.join('')}`);
    const server = await start({
      mailbox: [
        { uidl: 'big', bytes },
        { uidl: 'small', bytes: Buffer.from('Subject: s\r\n\r\n.\r\n') },
      ],
    });
    const client = await openSignedIn(server);
    client.send('RETR 1', 'RETR 2');
    expect(await client.line()).toBe(`+OK ${bytes.length} octets`);
    expect(unstuff(await client.multiLineBody(20_000)).equals(bytes)).toBe(true);
    expect(await client.line()).toMatch(/^\+OK/);
    expect((await client.multiLineBody()).toString()).toBe('Subject: s\r\n\r\n..\r\n.\r\n');
  });

  it('answers an overlong line with -ERR and closes', async () => {
    const { client } = await open(await start());
    client.write('A'.repeat(9000));
    expect(await client.line()).toBe('-ERR line too long');
    await client.closed;
  });

  it('says goodbye to QUIT before sign-in', async () => {
    const { client } = await open(await start());
    expect(await client.command('QUIT')).toBe('+OK bye');
    await client.closed;
  });
});

describe('options', () => {
  it.each(['0.0.0.0', '::', '192.0.2.10', 'localhost', 'example.org'])(
    'refuses to listen on %s',
    async (host) => {
      const error: unknown = await startDemoServer({ host }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DemoServerError);
      expect((error as DemoServerError).code).toBe('DEMO_NOT_LOOPBACK');
    },
  );

  it('listens on ::1 when asked', async () => {
    const server = await start({ host: '::1' });
    const { greeting } = await open(server);
    expect(greeting).toMatch(/^\+OK/);
  });

  it.each<[string, DemoServerOptions]>([
    ['a port out of range', { port: 70000 }],
    ['no users', { users: [] }],
    ['a user name with a space', { users: [{ name: 'a b', password: 'x' }] }],
    [
      'duplicate UIDLs',
      {
        mailbox: [
          { uidl: 'x', bytes: new Uint8Array() },
          { uidl: 'x', bytes: new Uint8Array() },
        ],
      },
    ],
    ['a UIDL with a space', { mailbox: [{ uidl: 'a b', bytes: new Uint8Array() }] }],
    ['a negative dropAfterBytes', { faults: { dropAfterBytes: -1 } }],
  ])('refuses %s', async (_, options) => {
    const error: unknown = await startDemoServer(options).catch((caught: unknown) => caught);
    expect((error as DemoServerError).code).toBe('DEMO_BAD_OPTION');
  });
});
