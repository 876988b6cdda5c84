// One session through the gateway against scripted upstreams: the open
// handshake, line checks, TLS failures, timeouts, idle, quota, heartbeat and
// upstream closes. Each refusal has its code; the gateway serves on
// (docs/security.md #8, #11–#13, #17–#19, #29, #30 and issue 3's tests). Then
// concurrent sessions, which must never see each other's bytes.

import type { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLOSE_CODES } from '../../../shared/bridge/messages.ts';
import {
  startGateway,
  upstream,
  type Harness,
  type HarnessOptions,
} from '../../support/gateway-harness.ts';
import {
  defaultScript,
  startPop3Stub,
  startTcpStub,
  startTlsStub,
  testCerts,
  type Pop3Script,
  type StubServer,
  type TestCerts,
} from '../../support/tls-stub.ts';
import { TestClient } from '../../support/ws-client.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function track<T extends StubServer>(stub: Promise<T>): Promise<T> {
  const started = await stub;
  cleanups.push(() => started.close());
  return started;
}

async function gateway(options: HarnessOptions): Promise<Harness> {
  const harness = await startGateway(options);
  cleanups.push(() => harness.close());
  return harness;
}

/** A gateway with one upstream "stub" (a scripted POP3S server) and its recorded lines. */
async function setup(options: { script?: Pop3Script; gateway?: HarnessOptions } = {}) {
  const { ca, good } = await testCerts();
  const stub = await track(
    startPop3Stub({
      mode: 'implicit',
      cert: good,
      ...(options.script ? { script: options.script } : {}),
    }),
  );
  const harness = await gateway({
    upstreams: [upstream('stub', stub, ca.cert)],
    ...options.gateway,
  });
  return { stub, harness };
}

/** Still serving: a fresh session logs in and gets STAT. */
async function expectStillServing(harness: Harness, server = 'stub'): Promise<void> {
  const client = await TestClient.open(harness, server);
  await client.command('USER alice\r\n', '+OK');
  await client.command('PASS secret\r\n', 'logged in');
  expect(await client.command('STAT\r\n')).toBe('+OK 2 30\r\n');
  client.ws.close();
  await client.closed;
}

async function login(client: TestClient): Promise<void> {
  await client.command('USER alice\r\nPASS secret\r\n', 'logged in');
}

describe('the open handshake', () => {
  it('opens, relays greeting and dialogue byte for byte, and sends nothing of its own', async () => {
    const { stub, harness } = await setup();
    const client = await TestClient.open(harness, 'stub');
    expect(client.controls[0]).toMatchObject({ type: 'opened', v: 1, server: 'stub' });
    expect((client.controls[0]?.tls as { protocol: string }).protocol).toMatch(/^TLSv1\.[23]$/);
    expect(client.received).toBe('+OK POP3 stub ready\r\n');
    expect(await client.command('CAPA\r\n', '\r\n.\r\n')).toBe(
      '+OK\r\nUSER\r\nUIDL\r\nTOP\r\n.\r\n',
    );
    expect(await client.command('USER alice\r\nPASS secret\r\n', 'logged in')).toBe(
      '+OK\r\n+OK logged in\r\n',
    );
    expect(await client.command('QUIT\r\n')).toBe('+OK bye\r\n');
    expect(stub.lines).toEqual(['CAPA', 'USER alice', 'PASS secret', 'QUIT']);
    client.ws.close(1000);
    expect((await client.closed).code).toBe(1000);
  });

  it("closes with 1000 when the server hangs up after the user's QUIT", async () => {
    const { harness } = await setup({
      script: (line, socket) =>
        line === 'QUIT' ? { close: true, reply: '+OK bye\r\n' } : defaultScript(line, socket),
    });
    const client = await TestClient.open(harness, 'stub');
    client.send('QUIT\r\n');
    expect(await client.closed).toEqual({ code: 1000, reason: 'bye' });
    expect(client.received).toContain('+OK bye\r\n');
  });

  it('an unknown server id → GATEWAY_UNKNOWN_SERVER, 4001, and no connection attempt', async () => {
    const { stub, harness } = await setup();
    const client = await TestClient.connect(harness);
    client.sendText(JSON.stringify({ type: 'open', v: 1, server: 'nope' }));
    expect((await client.closed).code).toBe(CLOSE_CODES.UNKNOWN_SERVER);
    expect(client.controls).toEqual([
      {
        type: 'error',
        v: 1,
        code: 'GATEWAY_UNKNOWN_SERVER',
        message: expect.any(String) as unknown,
      },
    ]);
    expect(harness.connects).toEqual([]);
    expect(stub.accepted).toBe(0);
    await expectStillServing(harness);
  });

  it('a host and port from the browser (docs/security.md #8) → 4000 and no TCP connection anywhere', async () => {
    const { stub, harness } = await setup();
    const client = await TestClient.connect(harness);
    client.sendText(
      JSON.stringify({ type: 'open', v: 1, server: 'stub', host: '10.0.0.5', port: 22 }),
    );
    expect((await client.closed).code).toBe(CLOSE_CODES.BAD_MESSAGE);
    expect(client.controls[0]?.code).toBe('BRIDGE_BAD_MESSAGE');
    expect(harness.connects).toEqual([]);
    expect(stub.accepted).toBe(0);
  });

  it.each([
    ['a non-JSON first frame', 'hello', false],
    ['a binary first frame', 'USER alice\r\n', true],
    ['version 2', '{"type":"open","v":2,"server":"stub"}', false],
  ])('%s → BRIDGE_BAD_MESSAGE, 4000', async (_name, payload, isBinary) => {
    const { harness } = await setup();
    const client = await TestClient.connect(harness);
    if (isBinary) client.send(payload);
    else client.sendText(payload);
    expect((await client.closed).code).toBe(CLOSE_CODES.BAD_MESSAGE);
    expect(client.controls[0]?.code).toBe('BRIDGE_BAD_MESSAGE');
    expect(harness.connects).toEqual([]);
    await expectStillServing(harness);
  });

  it('no open message within the open timeout → 4030', async () => {
    const { harness } = await setup({ gateway: { limits: { openTimeoutMs: 200 } } });
    const client = await TestClient.connect(harness);
    expect((await client.closed).code).toBe(CLOSE_CODES.IDLE);
  });
});

describe('client lines (docs/security.md #11, #29, #30)', () => {
  it.each([
    ['STLS', 'STLS\r\n', 'BRIDGE_VERB_FORBIDDEN'],
    ['XCLIENT', 'XCLIENT ADDR=1.2.3.4\r\n', 'BRIDGE_VERB_FORBIDDEN'],
    ['a non-POP3 verb', 'HELO evil.example\r\n', 'BRIDGE_VERB_FORBIDDEN'],
    [
      'CRLF injection inside an argument (bare CR)',
      'USER alice\rDELE 1\r\n',
      'BRIDGE_LINE_REJECTED',
    ],
    [
      'CRLF injection inside an argument (bare LF)',
      'USER alice\nDELE 1\r\n',
      'BRIDGE_LINE_REJECTED',
    ],
    ['a NUL byte', 'USER a\u0000b\r\n', 'BRIDGE_LINE_REJECTED'],
    ['a 10 KiB line without CRLF', 'U'.repeat(10 * 1024), 'BRIDGE_LINE_TOO_LONG'],
  ])('%s → 4020, never forwarded', async (_name, line, code) => {
    const { stub, harness } = await setup();
    const client = await TestClient.open(harness, 'stub');
    await client.command('NOOP\r\n', '+OK');
    client.send(line);
    expect((await client.closed).code).toBe(CLOSE_CODES.LINE_REJECTED);
    expect(client.controls.at(-1)?.code).toBe(code);
    // The upstream saw only the NOOP and then the connection drop.
    await expect.poll(() => stub.sockets.size).toBe(0);
    expect(stub.lines).toEqual(['NOOP']);
    await expectStillServing(harness);
  });

  it('a line split across frames is re-framed and checked as a whole', async () => {
    const { stub, harness } = await setup();
    const client = await TestClient.open(harness, 'stub');
    for (const part of ['US', 'ER al', 'ice\r', '\nST', 'AT\r\n']) client.send(part);
    await client.until(() => client.received.includes('+OK 2 30'));
    expect(stub.lines).toEqual(['USER alice', 'STAT']);
  });

  it('a 64 KiB frame of valid lines is accepted', async () => {
    const { stub, harness } = await setup();
    const client = await TestClient.open(harness, 'stub');
    await login(client);
    const frame = Buffer.from('LIST 1\r\n'.repeat(8192));
    expect(frame.length).toBe(64 * 1024);
    client.send(frame);
    await client.until(() => stub.lines.length === 2 + 8192);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });
});

describe('TLS to the upstream (docs/security.md #12)', () => {
  it.each([
    ['selfSigned', CLOSE_CODES.TLS_SELF_SIGNED, 'UPSTREAM_TLS_SELF_SIGNED'],
    ['expired', CLOSE_CODES.TLS_EXPIRED, 'UPSTREAM_TLS_EXPIRED'],
    ['wrongName', CLOSE_CODES.TLS_HOSTNAME, 'UPSTREAM_TLS_HOSTNAME'],
    ['untrusted', CLOSE_CODES.TLS_UNTRUSTED, 'UPSTREAM_TLS_UNTRUSTED'],
  ] as const)('a %s certificate → %i, no POP3 byte to the browser', async (kind, close, code) => {
    const certs: TestCerts = await testCerts();
    const stub = await track(startPop3Stub({ mode: 'implicit', cert: certs[kind] }));
    const harness = await gateway({ upstreams: [upstream('bad', stub, certs.ca.cert)] });
    const client = await TestClient.connect(harness);
    client.sendText(JSON.stringify({ type: 'open', v: 1, server: 'bad' }));
    expect((await client.closed).code).toBe(close);
    expect(client.controls).toEqual([
      { type: 'error', v: 1, code, message: expect.any(String) as unknown },
    ]);
    expect(client.bytesReceived).toBe(0);
  });

  it('a server offering only TLS 1.0 → 4006 TLS_PROTOCOL', async () => {
    const { ca, good } = await testCerts();
    const stub = await track(startPop3Stub({ mode: 'implicit', cert: good, maxVersion: 'TLSv1' }));
    const harness = await gateway({ upstreams: [upstream('old', stub, ca.cert)] });
    const client = await TestClient.connect(harness);
    client.sendText(JSON.stringify({ type: 'open', v: 1, server: 'old' }));
    expect((await client.closed).code).toBe(CLOSE_CODES.TLS_PROTOCOL);
    expect(client.bytesReceived).toBe(0);
  });

  it('STLS upstreams are upgraded by the gateway; the browser gets the greeting', async () => {
    const { ca, good } = await testCerts();
    const stub = await track(startPop3Stub({ mode: 'starttls', cert: good }));
    const harness = await gateway({
      upstreams: [upstream('plain', stub, ca.cert, { tls: 'starttls' })],
    });
    const client = await TestClient.open(harness, 'plain');
    expect(client.received).toBe('+OK POP3 stub ready\r\n');
    await client.command('NOOP\r\n', '+OK');
    expect(stub.lines).toEqual(['STLS', 'NOOP']);
  });
});

describe('timeouts per phase (docs/security.md #13)', () => {
  it('a blackhole upstream → UPSTREAM_TIMEOUT, 4011', async () => {
    const { ca } = await testCerts();
    const hole = await track(startTcpStub(() => {}));
    const harness = await gateway({
      upstreams: [upstream('hole', hole, ca.cert)],
      limits: { handshakeTimeoutMs: 300 },
    });
    const client = await TestClient.connect(harness);
    client.sendText(JSON.stringify({ type: 'open', v: 1, server: 'hole' }));
    expect((await client.closed).code).toBe(CLOSE_CODES.UPSTREAM_TIMEOUT);
    expect(client.controls[0]?.code).toBe('UPSTREAM_TIMEOUT');
    await expect.poll(() => hole.sockets.size).toBe(0);
  });

  it('a TLS server that never greets → UPSTREAM_TIMEOUT, 4011', async () => {
    const { ca, good } = await testCerts();
    const mute = await track(startTlsStub({ cert: good }));
    const harness = await gateway({
      upstreams: [upstream('mute', mute, ca.cert)],
      limits: { greetingTimeoutMs: 300 },
    });
    const client = await TestClient.connect(harness);
    client.sendText(JSON.stringify({ type: 'open', v: 1, server: 'mute' }));
    expect((await client.closed).code).toBe(CLOSE_CODES.UPSTREAM_TIMEOUT);
  });

  it('a refused port → UPSTREAM_CONNECT_FAILED, 4010', async () => {
    const { ca } = await testCerts();
    const gone = await startTcpStub(() => {});
    await gone.close();
    const harness = await gateway({ upstreams: [upstream('gone', gone, ca.cert)] });
    const client = await TestClient.connect(harness);
    client.sendText(JSON.stringify({ type: 'open', v: 1, server: 'gone' }));
    expect((await client.closed).code).toBe(CLOSE_CODES.UPSTREAM_CONNECT_FAILED);
    // The browser never learns internal addresses or Node's error text.
    expect(client.controls[0]?.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
  });
});

describe('ends of a session', () => {
  it('the upstream closing mid-response: the bytes so far arrive, then 4013', async () => {
    const partial = '+OK 5000 octets\r\nFrom: a@example.org\r\nSubject: cut\r\n\r\nhalf a';
    const { harness } = await setup({
      script: (line, socket) =>
        line === 'RETR 1' ? { close: true, reply: partial } : defaultScript(line, socket),
    });
    const client = await TestClient.open(harness, 'stub');
    await login(client);
    client.send('RETR 1\r\n');
    expect((await client.closed).code).toBe(CLOSE_CODES.UPSTREAM_CLOSED);
    expect(client.received.endsWith(partial)).toBe(true);
    expect(client.controls.at(-1)?.code).toBe('UPSTREAM_CLOSED');
    await expectStillServing(harness);
  });

  it('idle timeout (docs/security.md #19): closes with 4030 and never sends QUIT upstream', async () => {
    const { stub, harness } = await setup({ gateway: { limits: { idleTimeoutMs: 300 } } });
    const client = await TestClient.open(harness, 'stub');
    await login(client);
    client.send('DELE 1\r\n');
    expect((await client.closed).code).toBe(CLOSE_CODES.IDLE);
    expect(client.controls.at(-1)?.code).toBe('GATEWAY_IDLE');
    await expect.poll(() => stub.sockets.size).toBe(0);
    expect(stub.lines).toEqual(['USER alice', 'PASS secret', 'DELE 1']);
    expect(stub.lines).not.toContain('QUIT');
  });

  it('client bytes keep the session alive past the idle timeout', async () => {
    const { harness } = await setup({ gateway: { limits: { idleTimeoutMs: 300 } } });
    // The gateway's clock, not the wall clock: 600 ms pass in 100 ms steps, each after a
    // command, and only then 300 ms of silence.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const client = await TestClient.open(harness, 'stub');
      for (let i = 0; i < 6; i++) {
        await client.command('NOOP\r\n', '+OK');
        vi.advanceTimersByTime(100);
      }
      // Answered: an idle close during the 600 ms would have ended the session already.
      await client.command('NOOP\r\n', '+OK');
      expect(harness.events('session_close')).toEqual([]);
      vi.advanceTimersByTime(300);
      expect((await client.closed).code).toBe(CLOSE_CODES.IDLE);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a byte quota (docs/security.md #17): over it → 4031 "quota", byte counts in the log', async () => {
    const big = `+OK\r\n${'x'.repeat(4000)}\r\n.\r\n`;
    const { harness } = await setup({
      script: (line, socket) => (line === 'RETR 1' ? big : defaultScript(line, socket)),
      gateway: { limits: { maxBytesDown: 1024 } },
    });
    const client = await TestClient.open(harness, 'stub');
    await login(client);
    client.send('RETR 1\r\n');
    expect(await client.closed).toEqual({ code: CLOSE_CODES.QUOTA, reason: 'quota' });
    await expect.poll(() => harness.events('session_close').length).toBe(1);
    const line = harness.events('session_close')[0];
    expect(line).toMatchObject({
      closeCode: 4031,
      closeReason: 'quota',
      errorCode: 'GATEWAY_QUOTA',
    });
    expect(line?.bytesDown).toBeGreaterThan(1024);
    expect(line?.bytesUp).toBe('USER alice\r\nPASS secret\r\nRETR 1\r\n'.length);
  });

  it('an absolute session cap (docs/security.md #17) → 4032', async () => {
    const { harness } = await setup({ gateway: { limits: { maxSessionMs: 400 } } });
    const client = await TestClient.open(harness, 'stub');
    expect((await client.closed).code).toBe(CLOSE_CODES.SESSION_EXPIRED);
  });

  it('heartbeat (docs/security.md #18): a peer that stops answering pings is terminated', async () => {
    const { stub, harness } = await setup({ gateway: { limits: { heartbeatMs: 150 } } });
    const healthy = await TestClient.open(harness, 'stub');
    const silent = await TestClient.open(harness, 'stub');
    // Stop answering pings, as a dead browser would (ws answers them by itself otherwise).
    (silent.ws as unknown as { _autoPong: boolean })._autoPong = false;
    const closed = await silent.closed;
    expect(closed.code).toBe(1006);
    // Each round drops a peer that did not answer the previous ping, then pings again:
    // two more pings mean the healthy peer's answers were counted, twice.
    await new Promise<void>((resolve) => {
      let pings = 0;
      healthy.ws.on('ping', () => {
        if (++pings === 2) resolve();
      });
    });
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN);
    await expect.poll(() => stub.sockets.size).toBe(1);
  });
});

describe('concurrent sessions', () => {
  it('each gets exactly its own server bytes while their reads interleave', async () => {
    // Every implicit-TLS upstream reads into one shared buffer: a view kept
    // past its read would hand one user's mail to another, or garble it.
    const size = 3 * 1024 * 1024;
    const body = (seed: number): Buffer =>
      Buffer.from(Uint8Array.from({ length: size }, (_, i) => (i + (i >> 9) + seed * 37) & 0xff));
    let seeds = 0;
    const stream = (socket: Socket, bytes: Buffer, at = 0): void => {
      while (at < bytes.length) {
        const end = Math.min(at + 16 * 1024, bytes.length);
        const more = socket.write(bytes.subarray(at, end));
        at = end;
        if (!more) return void socket.once('drain', () => stream(socket, bytes, at));
      }
    };
    const { harness } = await setup({
      script: (line, socket) => {
        if (line !== 'RETR 1') return defaultScript(line, socket);
        const seed = ++seeds;
        socket.write(`+OK ${seed}\r\n`);
        stream(socket, body(seed));
        return undefined;
      },
    });
    const clients = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const client = await TestClient.open(harness, 'stub');
        await login(client);
        return { client, start: client.received.length };
      }),
    );
    for (const { client } of clients) client.send('RETR 1\r\n');
    const seen = new Set<number>();
    for (const { client, start } of clients) {
      await client.until(() => client.received.length - start >= size + '+OK 1\r\n'.length);
      const reply = client.received.slice(start);
      const seed = Number(/^\+OK (\d+)\r\n/.exec(reply)?.[1]);
      seen.add(seed);
      const got = reply.slice(reply.indexOf('\n') + 1);
      expect(got.length).toBe(size);
      expect(got === body(seed).toString('latin1')).toBe(true);
    }
    expect([...seen].sort()).toEqual([1, 2, 3, 4]);
  });
});
