// The gateway's life: graceful shutdown with `going-away` and no QUIT,
// symmetric teardown of 1,000 abruptly killed sessions without leaked
// handles, and slowloris clients dropped while new sessions still open
// (docs/security.md #21, #22; issue 3 "SIGTERM").

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../../shared/bridge/messages.ts';
import {
  startGateway,
  upstream,
  type Harness,
  type HarnessOptions,
} from '../../support/gateway-harness.ts';
import { startPop3Stub, testCerts, type Pop3Stub } from '../../support/tls-stub.ts';
import { rawRequest, TestClient, upgradeRequest } from '../../support/ws-client.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: HarnessOptions = {}): Promise<{ harness: Harness; stub: Pop3Stub }> {
  const { ca, good } = await testCerts();
  const stub = await startPop3Stub({ mode: 'implicit', cert: good });
  cleanups.push(() => stub.close());
  const harness = await startGateway({ upstreams: [upstream('stub', stub, ca.cert)], ...options });
  cleanups.push(() => harness.close());
  return { harness, stub };
}

describe('graceful shutdown (SIGTERM)', () => {
  it('says going-away, drains, then closes with 4050 and never sends QUIT', async () => {
    const { harness, stub } = await setup({ limits: { reconnectAfterMs: 1500 } });
    const client = await TestClient.open(harness, 'stub');
    await client.command('USER alice\r\nPASS secret\r\nDELE 1\r\n', '+OK\r\n+OK logged in\r\n-ERR');
    const stopping = harness.gateway.shutdown(300);
    await client.until(() => client.controls.some((message) => message.type === 'going-away'));
    expect(client.controls.find((m) => m.type === 'going-away')).toEqual({
      type: 'going-away',
      v: 1,
      reconnectAfterMs: 1500,
    });
    // While draining: not ready, and no new sessions.
    const ready = await fetch(`http://127.0.0.1:${harness.port}/readyz`);
    expect(ready.status).toBe(503);
    expect((await rawRequest(harness.port, upgradeRequest('/ws'))).status).toBe(503);
    expect(await client.closed).toEqual({ code: CLOSE_CODES.GOING_AWAY, reason: 'going_away' });
    await stopping;
    expect(client.controls.at(-1)?.code).toBe('GATEWAY_GOING_AWAY');
    await expect.poll(() => stub.sockets.size).toBe(0);
    expect(stub.lines).not.toContain('QUIT');
  });

  it('a client that leaves on going-away closes first; the gateway does not wait out the grace', async () => {
    const { harness } = await setup();
    const client = await TestClient.open(harness, 'stub');
    client.ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary && data.toString().includes('going-away')) client.ws.close(1000, 'moving');
    });
    await harness.gateway.shutdown(20_000);
    expect(await client.closed).toEqual({ code: 1000, reason: 'moving' });
  });
});

describe('teardown symmetry (docs/security.md #21)', () => {
  it('1,000 sessions reset from either side: nothing leaks', async () => {
    const { harness, stub } = await setup({
      limits: { maxSessions: 5000, maxSessionsPerIp: 5000, upgradesPerMinute: 100_000 },
    });
    const baseline = process.getActiveResourcesInfo().length;
    const clients: TestClient[] = [];
    for (let batch = 0; batch < 10; batch++) {
      clients.push(
        ...(await Promise.all(Array.from({ length: 100 }, () => TestClient.open(harness, 'stub')))),
      );
    }
    expect(harness.gateway.bridge.sessions.size).toBe(1000);
    await expect.poll(() => stub.sockets.size).toBe(1000);
    // Half reset by the browser side (TCP RST) ...
    clients.slice(0, 500).forEach((client) => {
      (client.ws as unknown as { _socket: net.Socket })._socket.resetAndDestroy();
    });
    await expect.poll(() => harness.gateway.bridge.sessions.size, { timeout: 10_000 }).toBe(500);
    await expect.poll(() => stub.sockets.size, { timeout: 10_000 }).toBe(500);
    // ... the other half by the server side.
    for (const socket of stub.sockets) socket.resetAndDestroy();
    await expect.poll(() => harness.gateway.bridge.sessions.size, { timeout: 10_000 }).toBe(0);
    expect(stub.sockets.size).toBe(0);
    await Promise.all(clients.map((client) => client.closed));
    // Polled by hand: a poll helper's own timer would count as a handle.
    const deadline = Date.now() + 5000;
    while (process.getActiveResourcesInfo().length > baseline && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(process.getActiveResourcesInfo().length).toBeLessThanOrEqual(baseline);
    expect(harness.gateway.metrics.openSessions).toBe(0);
    expect(harness.gateway.throttle.openFrom('127.0.0.1')).toBe(0);
  }, 60_000);
});

describe('slowloris (docs/security.md #22)', () => {
  it('500 connections dribbling headers are dropped; new sessions still open', async () => {
    const { harness } = await setup({
      limits: { headersTimeoutMs: 500, requestTimeoutMs: 1000 },
    });
    let closed = 0;
    const sockets = Array.from({ length: 500 }, () => {
      const socket = net.connect(harness.port, '127.0.0.1');
      socket.on('error', () => {});
      socket.on('close', () => (closed += 1));
      socket.write('GET / HTTP/1.1\r\nHost: app.example\r\nX-Slow: ');
      return socket;
    });
    const drip = setInterval(() => {
      for (const socket of sockets) if (!socket.destroyed) socket.write('a');
    }, 100);
    try {
      const client = await TestClient.open(harness, 'stub');
      await client.command('NOOP\r\n', '+OK');
      await expect.poll(() => closed, { timeout: 10_000, interval: 100 }).toBe(500);
    } finally {
      clearInterval(drip);
      for (const socket of sockets) socket.destroy();
    }
  }, 30_000);
});
