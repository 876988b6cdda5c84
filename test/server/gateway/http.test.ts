// The HTTP side: the built client under BASE_PATH with strict headers and
// caching, api/config, health, readiness, metrics, the Host allowlist, and no
// cookies ever (issue 3 "HTTP"; docs/security.md #2, #5, #45).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Harness } from '../../support/gateway-harness.ts';
import { TestClient } from '../../support/ws-client.ts';
import { contentSecurityPolicy } from '../../../server/app.ts';

let staticDir: string;
let harness: Harness | undefined;

beforeAll(() => {
  staticDir = mkdtempSync(path.join(tmpdir(), 'pop3gw-static-'));
  mkdirSync(path.join(staticDir, 'assets'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>mail</title>');
  writeFileSync(path.join(staticDir, 'assets', 'index-Bc1dE2fG.js'), 'console.log(1)');
  writeFileSync(path.join(staticDir, '.env'), 'SECRET=1');
});
afterAll(() => rmSync(staticDir, { recursive: true, force: true }));
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** GET with a chosen Host header (fetch refuses to set one). */
function get(url: string, host = 'app.example', extra: Record<string, string> = {}) {
  return new Promise<Reply>((resolve, reject) => {
    const request = http.get(url, { headers: { host, ...extra }, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
      );
    });
    request.on('error', reject);
  });
}

async function start(env: Record<string, string> = {}): Promise<string> {
  harness = await startGateway({
    env: { STATIC_DIR: staticDir, ...env },
    upstreams: [
      { id: 'main', label: 'Example mail', host: 'pop.example.org', port: 995, tls: 'implicit' },
    ],
  });
  return `http://127.0.0.1:${harness.port}`;
}

describe('contentSecurityPolicy', () => {
  it('lists WebSocket origins, leaving out IPv6 literals that CSP cannot express', () => {
    const csp = contentSecurityPolicy({
      allowedOrigins: ['http://[::1]:8080', 'https://mail.example.org', 'http://127.0.0.1:8080'],
    });
    expect(csp).toContain("connect-src 'self' wss://mail.example.org ws://127.0.0.1:8080;");
    expect(csp).not.toContain('[::1]');
  });
});

describe('the app', () => {
  it('serves the page with a strict CSP, no-cache and the security headers', async () => {
    const base = await start();
    const response = await get(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.text).toContain('<title>mail</title>');
    const csp = String(response.headers['content-security-policy']);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'none'",
      "connect-src 'self' wss://app.example",
      // The message frame (srcdoc) inherits this policy: mail styles, data:
      // fonts, and https images once the reader allows them (the frame's
      // own CSP blocks them before).
      "style-src 'self' 'unsafe-inline'",
      "font-src 'self' data:",
      "img-src 'self' data: blob: https:",
      // docs/security.md #53: typed values only at HTML and script-URL sinks.
      "require-trusted-types-for 'script'",
      'trusted-types default webmail-frame dompurify',
    ]) {
      expect(csp).toContain(directive);
    }
    // Never inline or evaluated script.
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toContain('unsafe-eval');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('caches hashed assets forever and hides dotfiles', async () => {
    const base = await start();
    const asset = await get(`${base}/assets/index-Bc1dE2fG.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await get(`${base}/.env`)).status).toBe(404);
    expect((await get(`${base}/../package.json`)).status).toBe(404);
  });

  it('lives under BASE_PATH', async () => {
    const base = await start({ BASE_PATH: '/mail/' });
    expect((await get(`${base}/mail/`)).status).toBe(200);
    const redirect = await get(`${base}/mail`);
    expect(redirect.status).toBe(301);
    expect(redirect.headers['location']).toBe('/mail/');
    expect((await get(`${base}/mail/api/config`)).status).toBe(200);
    expect((await get(`${base}/api/config`)).status).toBe(404);
  });

  it('GET api/config lists servers by id and label, and whether sending is set up', async () => {
    const base = await start();
    const response = await get(`${base}/api/config`);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(response.text)).toEqual({
      servers: [{ id: 'main', label: 'Example mail', smtp: { isEnabled: false } }],
    });
  });

  it('a foreign Host gets 421 (DNS rebinding), health probes answer anyway', async () => {
    const base = await start();
    expect((await get(`${base}/api/config`, 'attacker.example')).status).toBe(421);
    expect((await get(`${base}/`, 'attacker.example')).status).toBe(421);
    expect((await get(`${base}/healthz`, '10.1.2.3:8080')).status).toBe(200);
  });

  it('refuses a request with more headers than MAX_HEADERS_COUNT with 431', async () => {
    const base = await start();
    const headers: Record<string, string> = {};
    for (let i = 0; i < 60; i++) headers[`x-filler-${i}`] = 'x';
    expect((await get(`${base}/`, 'app.example', headers)).status).toBe(431);
  });
});

describe('api/admission', () => {
  it('tells a client whether its address may open a session now, and when to retry', async () => {
    const base = await start();
    const open = await get(`${base}/api/admission`);
    expect(open.status).toBe(200);
    expect(open.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(open.text)).toEqual({ ok: true });
    const throttle = harness?.gateway.throttle;
    for (let i = 0; i < 5; i++) {
      const verdict = throttle?.startAttempt('127.0.0.1', 'main', `user${i}`);
      if (verdict?.ok === true) throttle?.settle(verdict.attempt, 'failed');
    }
    const banned = await get(`${base}/api/admission`);
    expect(banned.status).toBe(429);
    expect(Number(banned.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(banned.text)).toMatchObject({ ok: false, reason: 'banned' });
    // Another address (through no proxy here) is unaffected; a foreign Host gets nothing.
    expect((await get(`${base}/api/admission`, 'evil.example')).status).toBe(421);
  });
});

describe('health and metrics', () => {
  it('healthz and readyz answer; readyz turns 503 while draining', async () => {
    const base = await start();
    expect((await get(`${base}/healthz`)).text).toBe('ok\n');
    expect((await get(`${base}/readyz`)).status).toBe(200);
    // An open session keeps the gateway draining for the grace period.
    const client = await TestClient.connect(harness as Harness);
    const stopping = harness?.gateway.shutdown(300);
    expect((await get(`${base}/readyz`)).status).toBe(503);
    await stopping;
    await client.closed;
    harness = undefined;
  });

  it('the main listener serves no metrics, under any spelling (finding 8)', async () => {
    const base = await start();
    for (const spelling of ['/metrics', '/metrics/', '/METRICS', '/Metrics', '/metrics?x=1']) {
      const response = await get(`${base}${spelling}`);
      expect(response.status, spelling).toBe(404);
      expect(response.text).not.toContain('pop3gw_');
    }
    // Strict routes for the app too: a trailing slash is another path.
    expect((await get(`${base}/api/config/`)).status).toBe(404);
  });

  it('with METRICS_TOKEN, the main listener serves exactly /metrics to that bearer', async () => {
    const token = 'metrics-token-of-some-length';
    const base = await start({ METRICS_TOKEN: token });
    const bearer = { authorization: `Bearer ${token}` };
    expect((await get(`${base}/metrics`, 'app.example', bearer)).status).toBe(200);
    expect((await get(`${base}/metrics`)).status).toBe(404);
    expect(
      (await get(`${base}/metrics`, 'app.example', { authorization: 'Bearer nope' })).status,
    ).toBe(404);
    expect((await get(`${base}/METRICS`, 'app.example', bearer)).status).toBe(404);
    expect((await get(`${base}/metrics/`, 'app.example', bearer)).status).toBe(404);
    // A DNS-rebinding page sends its own Host: nothing, token or not.
    expect((await get(`${base}/metrics`, 'evil.example', bearer)).status).toBe(421);
  });

  it('metrics are Prometheus text with the documented families, on their own listener', async () => {
    await start({ METRICS_PORT: '0' });
    const address = harness?.gateway.metricsAddress();
    expect(address?.address).toBe('127.0.0.1');
    const base = `http://127.0.0.1:${address?.port}`;
    expect((await get(`${base}/metrics/`)).status).toBe(404);
    expect((await get(`${base}/METRICS`)).status).toBe(404);
    // DNS rebinding: a page whose name now points at loopback sends its own name.
    expect((await get(`${base}/metrics`, `evil.example:${address?.port}`)).status).toBe(404);
    expect((await get(`${base}/metrics`, `127.0.0.1:${address?.port}`)).status).toBe(200);
    expect((await get(`${base}/metrics`, `[::1]:${address?.port}`)).status).toBe(200);
    harness?.gateway.metrics.upstreamConnected('main', 0.02);
    harness?.gateway.metrics.sessionOpened();
    harness?.gateway.metrics.sessionClosed(4031, 'quota');
    harness?.gateway.metrics.bytes('down', 10);
    const response = await get(`${base}/metrics`);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.text;
    expect(text).toContain('# TYPE pop3gw_sessions_open gauge\npop3gw_sessions_open 0\n');
    expect(text).toContain('pop3gw_bytes_total{direction="down"} 10\n');
    expect(text).toContain('pop3gw_sessions_closed_total{code="4031",reason="quota"} 1\n');
    expect(text).toContain('pop3gw_upstream_connect_seconds_bucket{target="main",le="0.025"} 1\n');
    expect(text).toContain('pop3gw_upstream_connect_seconds_count{target="main"} 1\n');
    // Every sample line is `name{labels} number`.
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      expect(line).toMatch(/^[a-z0-9_]+(?:\{[^}]*\})? -?[0-9.e+]+$/);
    }
  });
});
