// Optional access control that does not depend on Origin (docs/security.md #4):
// a header from an authenticating proxy, believed only from a listed proxy.

import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startGateway, type Harness } from '../../support/gateway-harness.ts';
import { rawRequest, upgradeRequest } from '../../support/ws-client.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('header from an authenticating reverse proxy', () => {
  it('accepted only from a trusted proxy, only when present', async () => {
    harness = await startGateway({
      env: { ACCESS_HEADER: 'X-Remote-User', TRUST_PROXY: '127.0.0.1' },
    });
    const withHeader = upgradeRequest('/ws', { 'X-Remote-User': 'alice' });
    expect((await rawRequest(harness.port, upgradeRequest('/ws'))).status).toBe(401);
    expect((await rawRequest(harness.port, withHeader)).status).toBe(101);
    // From an address that is not the trusted proxy the header means nothing.
    const ws = new WebSocket(harness.url, {
      origin: 'https://app.example',
      headers: { host: 'app.example', 'x-remote-user': 'alice' },
      localAddress: '127.0.0.2',
    });
    ws.on('error', () => {});
    const status = await new Promise<number>((resolve) => {
      ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      ws.once('open', () => resolve(101));
    });
    ws.terminate();
    expect(status).toBe(401);
  });
});
