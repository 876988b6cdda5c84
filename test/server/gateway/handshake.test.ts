// The upgrade handshake: exact path, Origin and Host allowlists, no
// compression, payload and fragment limits, per-address limits and the real
// client address (docs/security.md #1, #2, #3, #6, #7, #14, #15, #20, #23).

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startGateway, type Harness } from '../../support/gateway-harness.ts';
import { rawRequest, TestClient, upgradeRequest } from '../../support/ws-client.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function gateway(options: Parameters<typeof startGateway>[0] = {}): Promise<Harness> {
  harness = await startGateway(options);
  return harness;
}

describe('Origin and Host (docs/security.md #1, #2)', () => {
  it.each([
    ['a foreign origin', 'https://evil.example', 403],
    ['a suffix-extended origin', 'https://app.example.evil', 403],
    ['a prefix match', 'https://app.exampl', 403],
    ['the null origin', 'null', 403],
    ['another scheme', 'http://app.example', 403],
    ['another port', 'https://app.example:8443', 403],
    ['the configured origin', 'https://app.example', 101],
  ])('%s (%s) → %i', async (_name, origin, status) => {
    const { port } = await gateway();
    const response = await rawRequest(port, upgradeRequest('/ws', { Origin: origin }));
    expect(response.status).toBe(status);
    if (status === 403) expect(response.isClosed).toBe(true);
  });

  it('no Origin header → 403', async () => {
    const { port } = await gateway();
    expect((await rawRequest(port, upgradeRequest('/ws', { Origin: undefined }))).status).toBe(403);
  });

  it('an unexpected Host with an allowed Origin → 403 (DNS rebinding)', async () => {
    const { port } = await gateway();
    const response = await rawRequest(port, upgradeRequest('/ws', { Host: 'attacker.example' }));
    expect(response.status).toBe(403);
  });

  it('the default allowlist is the origin the app is served from, never the request Host', async () => {
    harness = await startGateway({ env: { ALLOWED_ORIGINS: '', ALLOWED_HOSTS: '', PORT: '0' } });
    const { port } = harness;
    // PORT 0 means the defaults name port 0; a request naming the real port is not listed.
    const host = `127.0.0.1:${port}`;
    const spoofed = await rawRequest(
      port,
      upgradeRequest('/ws', { Host: host, Origin: `http://${host}` }),
    );
    expect(spoofed.status).toBe(403);
    expect(harness.config.allowedOrigins).toContain('http://127.0.0.1:0');
  });
});

describe('one exact path, upgrades only in server.on("upgrade") (docs/security.md #3)', () => {
  it.each([
    ['/ws', 101],
    ['/other', 404],
    ['/ws/', 404],
    ['/WS', 404],
    ['/ws/../ws', 404],
    ['/ws?token=secret', 400],
  ])('%s → %i', async (path, status) => {
    const { port } = await gateway();
    expect((await rawRequest(port, upgradeRequest(path))).status).toBe(status);
  });

  it('under BASE_PATH the socket lives at BASE_PATH/ws only', async () => {
    const { port } = await gateway({ env: { BASE_PATH: '/mail/' } });
    expect((await rawRequest(port, upgradeRequest('/mail/ws'))).status).toBe(101);
    expect((await rawRequest(port, upgradeRequest('/ws'))).status).toBe(404);
  });
});

describe('malformed handshakes (docs/security.md #6)', () => {
  it('5,000 malformed upgrade requests: each gets a 4xx or a close; the gateway lives on', async () => {
    const { port } = await gateway({ limits: { upgradesPerMinute: 100_000 } });
    const manyHeaders = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`X-Filler-${i}`, 'x']),
    );
    const variants = [
      upgradeRequest('/ws', { 'Sec-WebSocket-Key': 'not-a-key' }),
      upgradeRequest('/ws', { Upgrade: undefined }),
      upgradeRequest('/ws', { Upgrade: 'h2c' }),
      upgradeRequest('/ws', { 'Sec-WebSocket-Version': '7' }),
      upgradeRequest('/ws', { 'Sec-WebSocket-Version': 'banana' }),
      upgradeRequest('/ws', manyHeaders),
      'GET /ws HTTP/1.1\r\nHost: app.example\r\nUpgrade: websocket\r\n\r\n',
      'BREW /ws HTCPCP/1.0\r\n\r\n',
      'GET /ws HTTP/1.1\r\nHost: app.example\r\nContent-Length: -1\r\n\r\n',
      '\u0000\u0001\u0002 garbage\r\n\r\n',
    ];
    const statuses = new Map<number, number>();
    const total = 5000;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < total) {
        const request = variants[next++ % variants.length] ?? '';
        const { status, isClosed } = await rawRequest(port, request);
        // A 4xx, or a close without an answer (garbage the HTTP parser drops).
        if (status === 0) expect(isClosed).toBe(true);
        else expect(status).toBeGreaterThanOrEqual(400);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 100 }, worker));
    expect([...statuses.values()].reduce((a, b) => a + b)).toBe(total);
    // Still serving: a proper upgrade succeeds.
    expect((await rawRequest(port, upgradeRequest('/ws'))).status).toBe(101);
  }, 60_000);
});

describe('handshakes ws would refuse on its own', () => {
  it('a bad key or version is refused by the gateway: logged, counted, no rate budget spent', async () => {
    const { port } = await gateway({ now: () => 1_000_000 });
    for (let i = 0; i < 25; i++) {
      const bad =
        i % 2 === 0 ? { 'Sec-WebSocket-Key': 'not-a-key' } : { 'Sec-WebSocket-Version': '8' };
      expect((await rawRequest(port, upgradeRequest('/ws', bad))).status).toBe(400);
    }
    const refused = harness?.events('upgrade_refused') ?? [];
    expect(refused).toHaveLength(25);
    expect(refused.every((line) => line.status === 400 && line.reason === 'handshake')).toBe(true);
    expect(harness?.gateway.metrics.render()).toMatch(
      /pop3gw_upgrades_refused_total\{status="400",reason="handshake"\} 25\n/,
    );
    // The frozen clock refills nothing: 20 good upgrades still fit the minute.
    expect((await rawRequest(port, upgradeRequest('/ws'))).status).toBe(101);
  });
});

/** A raw WebSocket: handshake, then masked client frames written by hand. */
async function rawSocket(port: number): Promise<{ socket: net.Socket; frames: Buffer[] }> {
  const socket = net.connect(port, '127.0.0.1');
  const frames: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (!head.startsWith('HTTP/1.1 101')) reject(new Error(head));
      socket.off('data', onData);
      const rest = Buffer.from(head.slice(end + 4), 'latin1');
      if (rest.length) frames.push(rest);
      socket.on('data', (data: Buffer) => frames.push(data));
      resolve();
    };
    socket.on('data', onData);
    socket.on('error', () => {});
    socket.write(upgradeRequest('/ws'));
  });
  return { socket, frames };
}

function frame(opcode: number, isFin: boolean, payload: Buffer): Buffer {
  const mask = Buffer.from([1, 2, 3, 4]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] ?? 0)));
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([(isFin ? 0x80 : 0) | opcode, 0x80 | length])
      : Buffer.from([(isFin ? 0x80 : 0) | opcode, 0x80 | 126, length >> 8, length & 255]);
  return Buffer.concat([header, mask, masked]);
}

/** The close code in the first close frame the server sent. */
function closeCode(frames: Buffer[]): number | undefined {
  const all = Buffer.concat(frames);
  for (let at = 0; at + 2 <= all.length;) {
    const opcode = (all[at] ?? 0) & 0x0f;
    let length = (all[at + 1] ?? 0) & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      length = all.readUInt16BE(offset);
      offset += 2;
    }
    if (opcode === 8) return all.readUInt16BE(offset);
    at = offset + length;
  }
  return undefined;
}

describe('frame limits (docs/security.md #7, #14, #15)', () => {
  it('200,000 one-byte non-FIN fragments → close 1008, memory bounded', async () => {
    const { port } = await gateway();
    const { socket, frames } = await rawSocket(port);
    // Built in place (7 bytes a frame) so the test's own garbage does not count.
    const first = frame(0x2, false, Buffer.from('N'));
    const next = frame(0x0, false, Buffer.from('N'));
    const all = Buffer.alloc(first.length + next.length * 199_999);
    first.copy(all, 0);
    for (let at = first.length; at < all.length; at += next.length) next.copy(all, at);
    const before = process.memoryUsage().rss;
    socket.write(all);
    await new Promise((resolve) => socket.on('close', resolve));
    expect(closeCode(frames)).toBe(1008);
    expect(process.memoryUsage().rss - before).toBeLessThan(32 * 1024 * 1024);
  });

  it('a handshake offering permessage-deflate gets no Sec-WebSocket-Extensions', async () => {
    const { port } = await gateway();
    const response = await rawRequest(
      port,
      upgradeRequest('/ws', {
        'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits',
      }),
    );
    expect(response.status).toBe(101);
    expect(response.head.toLowerCase()).not.toContain('sec-websocket-extensions');
  });

  it('a 65 KiB frame → close 1009', async () => {
    harness = await gateway();
    const client = await TestClient.connect(harness);
    client.ws.send(Buffer.alloc(65 * 1024 + 1, 0x41));
    expect((await client.closed).code).toBe(1009);
  });
});

describe('per-address limits (docs/security.md #20)', () => {
  it('the 6th concurrent socket from one address → 429', async () => {
    harness = await gateway({ limits: { openTimeoutMs: 60_000 } });
    const clients = await Promise.all(
      Array.from({ length: 5 }, () => TestClient.connect(harness as Harness)),
    );
    await expect(TestClient.connect(harness)).rejects.toThrow('HTTP 429');
    // Another address (through a trusted proxy, see docs/security.md #23) is not affected.
    for (const client of clients) client.ws.close();
    await Promise.all(clients.map((client) => client.closed));
    await expect.poll(() => harness?.gateway.throttle.openFrom('127.0.0.1')).toBe(0);
  });

  it('21 upgrades in a minute → 429 with Retry-After', async () => {
    // A frozen clock: the bucket does not refill while the test runs.
    const { port } = await gateway({ now: () => 1_000_000 });
    for (let i = 0; i < 20; i++) {
      expect((await rawRequest(port, upgradeRequest('/ws'))).status).toBe(101);
      await expect.poll(() => harness?.gateway.throttle.openFrom('127.0.0.1')).toBe(0);
    }
    const refused = await rawRequest(port, upgradeRequest('/ws'));
    expect(refused.status).toBe(429);
    expect(refused.head).toMatch(/^Retry-After: \d+\r$/m);
  });

  it('the global cap answers 503', async () => {
    harness = await gateway({ limits: { maxSessions: 2, openTimeoutMs: 60_000 } });
    const first = await TestClient.connect(harness);
    const second = await TestClient.connect(harness, { headers: { 'x-forwarded-for': '1.1.1.1' } });
    await expect(TestClient.connect(harness)).rejects.toThrow('HTTP 503');
    first.ws.close();
    second.ws.close();
  });
});

describe('the real client address (docs/security.md #23)', () => {
  async function loggedIp(h: Harness, localAddress: string, xff: string): Promise<unknown> {
    const ws = new WebSocket(h.url, {
      origin: 'https://app.example',
      headers: { host: 'app.example', 'x-forwarded-for': xff },
      localAddress,
    });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.close();
    await new Promise((resolve) => ws.once('close', resolve));
    await expect.poll(() => h.events('session_close').length).toBeGreaterThan(0);
    const line = h.events('session_close').pop();
    return line?.ip;
  }

  it('through the trusted proxy: the right-most untrusted X-Forwarded-For entry', async () => {
    harness = await gateway({ env: { TRUST_PROXY: '127.0.0.1' } });
    expect(await loggedIp(harness, '127.0.0.1', '6.6.6.6, 203.0.113.7')).toBe('203.0.113.7');
  });

  it('from an untrusted peer: the socket address, X-Forwarded-For ignored', async () => {
    harness = await gateway({ env: { TRUST_PROXY: '127.0.0.1' } });
    expect(await loggedIp(harness, '127.0.0.9', '6.6.6.6')).toBe('127.0.0.9');
  });

  it('without TRUST_PROXY: X-Forwarded-For is ignored', async () => {
    harness = await gateway();
    expect(await loggedIp(harness, '127.0.0.1', '203.0.113.7')).toBe('127.0.0.1');
  });
});
