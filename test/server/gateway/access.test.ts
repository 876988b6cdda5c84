// Optional access control that does not depend on Origin (SECURITY.md item 4):
// a header from an authenticating trusted proxy, or a short-lived signed
// token as a WebSocket subprotocol, never in the URL, never in a log.

import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { mintAccessToken, SUBPROTOCOL } from '../../../server/access.ts';
import { startGateway, type Harness } from '../../support/gateway-harness.ts';
import { rawRequest, TestClient, upgradeRequest } from '../../support/ws-client.ts';

const SECRET = 'a-test-secret-that-is-at-least-32-characters';
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('signed token in Sec-WebSocket-Protocol', () => {
  it('without a token → 401; with one → 101 and pop3gw.v1 selected', async () => {
    harness = await startGateway({ env: { ACCESS_TOKEN_SECRET: SECRET } });
    expect((await rawRequest(harness.port, upgradeRequest('/ws'))).status).toBe(401);
    const token = mintAccessToken(SECRET, 60);
    const client = await TestClient.connect(harness, { protocols: [SUBPROTOCOL, token] });
    expect(client.ws.protocol).toBe(SUBPROTOCOL);
    client.ws.close();
    await client.closed;
    // The token never appears in any log line.
    expect(harness.rawLogs.join('')).not.toContain(token.split('.').at(-1));
  });

  it.each([
    ['an expired token', () => mintAccessToken(SECRET, -1)],
    ['a token valid for too long', () => mintAccessToken(SECRET, 24 * 3600)],
    ['a token signed with another secret', () => mintAccessToken(`${SECRET}x`, 60)],
    [
      'a tampered token',
      () => mintAccessToken(SECRET, 60).replace(/\.([^.]+)\./, '.eyJleHAiOjF9.'),
    ],
    ['garbage', () => 'pop3gw.token.nope'],
  ])('%s → 401', async (_name, make) => {
    harness = await startGateway({ env: { ACCESS_TOKEN_SECRET: SECRET } });
    const response = await rawRequest(
      harness.port,
      upgradeRequest('/ws', { 'Sec-WebSocket-Protocol': `${SUBPROTOCOL}, ${make()}` }),
    );
    expect(response.status).toBe(401);
  });

  it('a token in the query string is refused (never a secret in the URL)', async () => {
    harness = await startGateway({ env: { ACCESS_TOKEN_SECRET: SECRET } });
    const token = mintAccessToken(SECRET, 60);
    const response = await rawRequest(harness.port, upgradeRequest(`/ws?token=${token}`));
    expect(response.status).toBe(400);
    expect(harness.rawLogs.join('')).not.toContain(token);
  });
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
