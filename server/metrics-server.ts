// Where Prometheus metrics are read: their own listener (loopback by default,
// METRICS_PORT), answering exactly `GET /metrics` and nothing else, or the
// main listener behind a bearer token (app.ts). Metrics tell an attacker
// who is failing to sign in and how busy the gateway is, so never both
// public and open (docs/security.md).

import { timingSafeEqual } from 'node:crypto';
import http, { type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { Metrics } from './metrics.ts';

/** Write the exposition text (format 0.0.4). */
export function sendMetrics(response: ServerResponse, metrics: Metrics): void {
  response.statusCode = 200;
  response.setHeader('Content-Type', 'text/plain; version=0.0.4');
  response.setHeader('Cache-Control', 'no-store');
  response.end(metrics.render());
}

/** `Authorization: Bearer <token>`, compared in constant time. */
export function hasBearerToken(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (\S+)$/.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * A Host a DNS-rebinding page cannot send: an address literal or `localhost`
 * (with any port), or one of the gateway's own allowed hosts. A page at
 * evil.example that rebinds its name to 127.0.0.1 still sends its own name.
 */
function isScrapeHost(host: string | undefined, allowedHosts: readonly string[]): boolean {
  if (host === undefined) return false;
  const lower = host.toLowerCase();
  if (allowedHosts.includes(lower)) return true;
  const name = /^\[([0-9a-f:.]+)\](?::\d+)?$/.exec(lower)?.[1] ?? lower.replace(/:\d+$/, '');
  return name === 'localhost' || isIP(name) !== 0;
}

/** The metrics listener: exact path, GET only, no rebound Host; 404 for everything else. */
export function createMetricsServer(
  metrics: Metrics,
  allowedHosts: readonly string[],
): http.Server {
  return http.createServer(
    { requestTimeout: 10_000, headersTimeout: 5_000 },
    (request, response) => {
      const isScrape = request.method === 'GET' && request.url === '/metrics';
      if (isScrape && isScrapeHost(request.headers.host, allowedHosts)) {
        return sendMetrics(response, metrics);
      }
      response.statusCode = 404;
      response.setHeader('Content-Type', 'text/plain');
      response.end('Not Found\n');
    },
  );
}
