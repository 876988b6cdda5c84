// Through the gateway against the real Dovecot: the same bytes as a direct
// TLS connection for login, STAT/LIST/UIDL, TOP, RETR of a 10 MB message,
// and DELE + QUIT (issue 3 "Tests"). Raw POP3 bytes on purpose: this proves
// the bridge, not the codec.

import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { DovecotSlot } from '../../support/dovecot.ts';
import { dovecotForFile } from '../../support/shared-dovecot.ts';
import {
  HOST,
  ORIGIN,
  startGateway,
  upstream,
  type Harness,
} from '../../support/gateway-harness.ts';

/**
 * Reads raw POP3 replies from chunks: a status line, and a body up to
 * CRLF.CRLF. A doubling buffer and resumed searches keep a 10 MB body linear.
 */
class Wire {
  private buffer = Buffer.alloc(64 * 1024);
  private start = 0;
  private end = 0;
  private wake: (() => void) | undefined;
  private isClosed = false;

  constructor(private readonly write: (bytes: string) => void) {}

  push(chunk: Buffer): void {
    if (this.end + chunk.length > this.buffer.length) {
      const live = this.end - this.start;
      const next = Buffer.alloc(Math.max(this.buffer.length, (live + chunk.length) * 2));
      this.buffer.copy(next, 0, this.start, this.end);
      this.buffer = next;
      this.start = 0;
      this.end = live;
    }
    chunk.copy(this.buffer, this.end);
    this.end += chunk.length;
    this.wake?.();
  }

  close(): void {
    this.isClosed = true;
    this.wake?.();
  }

  /** Send a command; return its whole reply, raw (a multi-line +OK up to ".\r\n"). */
  async command(line: string, isMulti = false): Promise<Buffer> {
    this.write(`${line}\r\n`);
    const status = await this.status();
    if (!isMulti || !status.toString('latin1').startsWith('+OK')) return status;
    // RFC 1939 §3: the body ends with a line of one dot; it starts at a line start.
    const body = await this.take((view, from) => {
      if (view.subarray(0, 3).toString() === '.\r\n') return 3;
      const at = view.indexOf('\r\n.\r\n', from);
      return at < 0 ? -1 : at + 5;
    }, 5);
    return Buffer.concat([status, body]);
  }

  status(): Promise<Buffer> {
    return this.take((view, from) => {
      const at = view.indexOf('\r\n', from);
      return at < 0 ? -1 : at + 2;
    }, 2);
  }

  /** `find(view, from)` returns the reply's length or -1; `overlap`: terminator length. */
  private async take(find: (view: Buffer, from: number) => number, overlap: number) {
    let from = 0;
    for (;;) {
      const view = this.buffer.subarray(this.start, this.end);
      const length = find(view, from);
      if (length >= 0) {
        this.start += length;
        return Buffer.from(view.subarray(0, length));
      }
      from = Math.max(0, view.length - overlap);
      if (this.isClosed) throw new Error('closed before the reply ended');
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

interface Peer {
  wire: Wire;
  closed: Promise<void>;
  end: () => void;
}

async function direct(dovecot: DovecotSlot): Promise<Peer> {
  const socket = tls.connect({
    host: dovecot.host,
    port: dovecot.implicitPort,
    ca: dovecot.ca,
    servername: dovecot.servername,
  });
  const wire = new Wire((bytes) => socket.write(bytes, 'latin1'));
  socket.on('data', (chunk: Buffer) => wire.push(chunk));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  void closed.then(() => wire.close());
  await new Promise((resolve) => socket.once('secureConnect', resolve));
  return { wire, closed, end: () => socket.destroy() };
}

async function viaGateway(harness: Harness, server: string): Promise<Peer & { opened: unknown }> {
  const ws = new WebSocket(harness.url, { origin: ORIGIN, headers: { host: HOST } });
  const wire = new Wire((bytes) => ws.send(Buffer.from(bytes, 'latin1')));
  let resolveOpened: (message: unknown) => void = () => {};
  const opened = new Promise((resolve) => (resolveOpened = resolve));
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) wire.push(data);
    else resolveOpened(JSON.parse(data.toString()));
  });
  const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
  void closed.then(() => wire.close());
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ type: 'open', v: 1, server }));
  return { wire, closed, end: () => ws.close(), opened: await opened };
}

/** A 10 MB message with dot-led lines, 8-bit bytes and long lines. */
function largeMessage(): Buffer {
  const head = 'From: Big <big@example.org>\r\nTo: alice@example.org\r\nSubject: large\r\n\r\n';
  const lines: string[] = [];
  let length = 0;
  for (let i = 0; length < 10 * 1024 * 1024; i++) {
    let line: string;
    if (i % 97 === 0) line = '.a line that starts with a dot\r\n';
    else if (i % 101 === 0) line = '..two dots\r\n';
    else if (i % 89 === 0) line = `${'Ünïcödé ✓ 中文 '.repeat(20)}\r\n`;
    else line = `${i.toString(36).padStart(8, '0')} ${'x'.repeat(68)}\r\n`;
    lines.push(line);
    length += Buffer.byteLength(line);
  }
  return Buffer.concat([Buffer.from(head), Buffer.from(lines.join(''), 'utf8')]);
}

const MESSAGES = [
  'From: a@example.org\r\nSubject: one\r\n\r\nHello\r\n.\r\nstill the body\r\n',
  largeMessage(),
  'From: c@example.org\r\nSubject: =?GBK?B?1tDOxA==?=\r\n\r\n\xd6\xd0\xce\xc4\r\n',
].map((message) => (typeof message === 'string' ? Buffer.from(message, 'latin1') : message));

/** Byte equality without a deep diff of 10 MB arrays. */
function sameMessages(actual: Uint8Array[], expected: Buffer[]): boolean {
  return (
    actual.length === expected.length &&
    actual.every((message, index) =>
      Buffer.from(message).equals(expected[index] ?? Buffer.alloc(0)),
    )
  );
}

/** The dialogue both ways; every reply raw. UIDL values differ per delivery, so it is last. */
async function dialogue(peer: Peer): Promise<{ replies: Buffer[]; uidl: Buffer }> {
  const { wire } = peer;
  const greeting = await wire.status();
  expect(greeting.toString()).toMatch(/^\+OK /);
  const replies = [
    await wire.command('CAPA', true),
    await wire.command('USER alice'),
    await wire.command('PASS wonderland-1'),
    await wire.command('STAT'),
    await wire.command('LIST', true),
    await wire.command('LIST 2'),
    await wire.command('TOP 1 0', true),
    await wire.command('TOP 2 5', true),
    await wire.command('RETR 2', true),
    await wire.command('RETR 3', true),
    await wire.command('DELE 1'),
    await wire.command('NOOP'),
    await wire.command('LIST', true),
  ];
  const uidl = await wire.command('UIDL', true);
  replies.push(await wire.command('QUIT'));
  await peer.closed;
  return { replies, uidl };
}

describe('gateway ↔ Dovecot (integration)', () => {
  let dovecot: DovecotSlot;
  let harness: Harness;

  beforeAll(async () => {
    dovecot = await dovecotForFile();
    harness = await startGateway({
      upstreams: [
        upstream('dovecot', { host: dovecot.host, port: dovecot.implicitPort }, dovecot.ca),
        upstream('dovecot-stls', { host: dovecot.host, port: dovecot.starttlsPort }, dovecot.ca, {
          tls: 'starttls',
        }),
      ],
      limits: { maxBytesDown: 1024 * 1024 * 1024 },
    });
  }, 60_000);

  afterAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
    await harness?.close();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
    await dovecot?.stop();
  });

  it('the same bytes as a direct TLS connection, and DELE commits only at QUIT', async () => {
    await dovecot.clearMailbox('alice');
    await dovecot.addMessages('alice', MESSAGES);
    const expected = await dialogue(await direct(dovecot));
    const afterDirect = await dovecot.readMailbox('alice');
    expect(sameMessages(afterDirect, MESSAGES.slice(1))).toBe(true);

    await dovecot.clearMailbox('alice');
    await dovecot.addMessages('alice', MESSAGES);
    const peer = await viaGateway(harness, 'dovecot');
    expect(peer.opened).toMatchObject({ type: 'opened', server: 'dovecot' });
    const actual = await dialogue(peer);

    expect(actual.replies.length).toBe(expected.replies.length);
    actual.replies.forEach((reply, index) => {
      expect(reply.equals(expected.replies[index] ?? Buffer.alloc(0))).toBe(true);
    });
    // The 10 MB RETR arrived whole (dot-stuffed on the wire).
    expect(actual.replies[8]?.length).toBeGreaterThan(10 * 1024 * 1024);
    expect(actual.uidl.toString()).toMatch(/^\+OK\r\n(?:\d+ \S+\r\n){2}\.\r\n$/);
    const afterGateway = await dovecot.readMailbox('alice');
    expect(sameMessages(afterGateway, MESSAGES.slice(1))).toBe(true);
  }, 60_000);

  it('a session dropped without QUIT deletes nothing', async () => {
    await dovecot.clearMailbox('alice');
    await dovecot.addMessages('alice', MESSAGES.slice(0, 1));
    const peer = await viaGateway(harness, 'dovecot');
    await peer.wire.status();
    await peer.wire.command('USER alice');
    await peer.wire.command('PASS wonderland-1');
    expect((await peer.wire.command('DELE 1')).toString()).toMatch(/^\+OK/);
    peer.end();
    await peer.closed;
    await expect.poll(async () => (await dovecot.readMailbox('alice')).length).toBe(1);
  });

  it('STLS upstream: the gateway upgrades, the browser logs in over verified TLS', async () => {
    await dovecot.clearMailbox('alice');
    await dovecot.addMessages('alice', MESSAGES.slice(0, 1));
    const peer = await viaGateway(harness, 'dovecot-stls');
    expect(peer.opened).toMatchObject({
      type: 'opened',
      tls: { protocol: expect.any(String) as unknown },
    });
    expect((await peer.wire.status()).toString()).toMatch(/^\+OK/);
    // Capabilities are read again after TLS (docs/security.md #11).
    const capa = (await peer.wire.command('CAPA', true)).toString();
    expect(capa).not.toMatch(/^STLS\r$/m);
    await peer.wire.command('USER alice');
    expect((await peer.wire.command('PASS wonderland-1')).toString()).toMatch(/^\+OK/);
    expect((await peer.wire.command('STAT')).toString()).toMatch(/^\+OK 1 /);
    await peer.wire.command('QUIT');
    await peer.closed;
  });
});
