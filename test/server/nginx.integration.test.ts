// The shipped deploy/nginx/webmail.conf, run by a real nginx in front of a
// plain HTTP + WebSocket backend: TLS, upgrade at a sub-path, the client
// address appended to X-Forwarded-For, and a large reply streamed through.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { startNginx, type Nginx } from '../support/nginx.ts';

let backend: http.Server;
let nginx: Nginx;
const upgrades: http.IncomingHttpHeaders[] = [];

beforeAll(async () => {
  backend = http.createServer((req, res) => {
    if (req.url === '/mail/big') {
      res.end(Buffer.alloc(8 * 1024 * 1024, 0x61));
      return;
    }
    res.end(
      JSON.stringify({
        url: req.url,
        xff: req.headers['x-forwarded-for'],
        proto: req.headers['x-forwarded-proto'],
      }),
    );
  });
  const wss = new WebSocketServer({ noServer: true });
  backend.on('upgrade', (req, socket, head) => {
    upgrades.push(req.headers);
    wss.handleUpgrade(req, socket, head, (ws) =>
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })),
    );
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  nginx = await startNginx({
    gateways: [(backend.address() as AddressInfo).port],
    basePath: '/mail/',
  });
});

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await nginx?.stop();
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  backend?.closeAllConnections();
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await new Promise((resolve) => backend?.close(resolve));
});

function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    https
      .get(`${nginx.origin}${path}`, { ca: nginx.ca, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('deploy/nginx/webmail.conf', () => {
  it('serves the app over verified TLS at the sub-path, with the path kept', async () => {
    const { status, body } = await get('/mail/api/config');
    expect(status).toBe(200);
    expect(JSON.parse(body.toString())).toMatchObject({ url: '/mail/api/config', proto: 'https' });
  });

  it('appends the peer address to a forged X-Forwarded-For', async () => {
    const { body } = await get('/mail/x', { 'X-Forwarded-For': '6.6.6.6' });
    // With TRUST_PROXY=127.0.0.1 the gateway takes only nginx's own entry: 127.0.0.1.
    expect((JSON.parse(body.toString()) as { xff: string }).xff).toBe('6.6.6.6, 127.0.0.1');
  });

  it('keeps metrics away from the internet, however the path is spelt', async () => {
    for (const path of ['/metrics', '/metrics/', '/METRICS', '/Metrics', '/metrics?x']) {
      expect((await get(path)).status, path).toBe(403);
    }
  });

  it('does not route outside the sub-path', async () => {
    expect((await get('/other')).status).toBe(404);
  });

  it('upgrades WebSockets and relays binary frames both ways', async () => {
    const ws = new WebSocket(`wss://localhost:${nginx.port}/mail/ws`, {
      ca: nginx.ca,
      origin: nginx.origin,
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const echoed = new Promise<Buffer>((resolve) =>
      ws.once('message', (data) => resolve(data as Buffer)),
    );
    ws.send(Buffer.from('+OK binary\r\n'));
    expect((await echoed).toString()).toBe('+OK binary\r\n');
    ws.close();
    expect(upgrades.at(-1)).toMatchObject({
      upgrade: 'websocket',
      origin: nginx.origin,
      host: `localhost:${nginx.port}`,
    });
  });

  it('streams an 8 MiB reply', async () => {
    const { status, body } = await get('/mail/big');
    expect(status).toBe(200);
    expect(body.length).toBe(8 * 1024 * 1024);
  });
});
