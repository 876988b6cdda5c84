// The WebSocket bridge: decides on each HTTP upgrade (exact path, Host,
// Origin, access control, per-address limits; docs/security.md #1–#24), hands
// accepted sockets to a Relay, runs the heartbeat, and drains on shutdown.
// Knows no POP3: that is the relay's and shared/bridge's business.

import { randomBytes } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type ServerOptions } from 'ws';
import { isAccessAllowed, selectProtocol } from './access.ts';
import type { Config } from './config.ts';
import { createRefusalLog, MAX_LOGGED_FIELD, type Logger } from './logging.ts';
import type { Metrics } from './metrics.ts';
import { clientAddress, compileTrust } from './network.ts';
import { Relay, type RelayDeps } from './relay.ts';
import { SendQuota } from './send-quota.ts';
import type { Throttle } from './throttle.ts';

export interface BridgeOptions {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  throttle: Throttle;
  connect?: RelayDeps['connect'];
  connectSubmission?: RelayDeps['connectSubmission'];
  /** The clock of the hourly send caps (tests: fake time). */
  now?: () => number;
}

export interface Bridge {
  /** The `upgrade` listener of the HTTP server (docs/security.md #3: the only place upgrades happen). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  readonly sessions: ReadonlySet<Relay>;
  /** Refuse new upgrades, send `going-away`, close what is left after `graceMs`. */
  shutdown(graceMs: number): Promise<void>;
}

function onSocketError(): void {
  // docs/security.md #6: a reset during the handshake must not become an uncaught error.
}

/** Answer an upgrade with a plain HTTP error and destroy the socket (docs/security.md #1). */
function refuse(socket: Duplex, status: number, headers: Record<string, string> = {}): void {
  if (!socket.writable) return void socket.destroy();
  const body = STATUS_CODES[status] ?? 'Error';
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${body}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${extra.join('')}\r\n${body}`,
  );
}

export function createBridge(options: BridgeOptions): Bridge {
  const { config, logger, metrics, throttle } = options;
  const { limits } = config;
  const path = `${config.basePath}ws`;
  const trust = compileTrust(config.trustProxy);
  const sessions = new Set<Relay>();
  const logRefusal = createRefusalLog(logger, (count) => metrics.logLinesDropped(count));
  let isDraining = false;
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    // docs/security.md #15: no compression; the stream carries passwords (CRIME/BREACH).
    perMessageDeflate: false,
    maxPayload: limits.maxPayload,
    maxFragments: limits.maxFragments,
    handleProtocols: selectProtocol,
    closeTimeout: limits.closeTimeoutMs,
  } as ServerOptions);
  const heartbeat = setInterval(() => {
    for (const relay of sessions) relay.heartbeat();
  }, limits.heartbeatMs);
  heartbeat.unref();
  // docs/security.md: a ban reaches the sessions still signing in, at once.
  const stopBans = throttle.onBan((ban) => {
    for (const relay of [...sessions]) relay.onBan(ban);
  });

  const deps: Omit<RelayDeps, 'onEnd'> = {
    config,
    logger,
    metrics,
    throttle,
    sendQuota: new SendQuota(limits, options.now),
    ...(options.connect ? { connect: options.connect } : {}),
    ...(options.connectSubmission ? { connectSubmission: options.connectSubmission } : {}),
  };

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', onSocketError);
    let ip = 'unknown';
    try {
      ip = clientAddress(request, trust);
    } catch {
      return void socket.destroy();
    }
    const url = request.url ?? '';
    const query = url.indexOf('?');
    const requestPath = query < 0 ? url : url.slice(0, query);
    const origin = request.headers.origin;
    const deny = (status: number, reason: string, headers?: Record<string, string>): void => {
      metrics.upgradeRefused(status, reason);
      logRefusal({ ip, status, reason, path: requestPath, ...(origin ? { origin } : {}) });
      refuse(socket, status, headers);
    };
    if (isDraining) return deny(503, 'draining', { 'Retry-After': '1' });
    // docs/security.md #6: Node silently drops headers past maxHeadersCount (set one higher
    // in gateway.ts); a request that has more is refused, not trimmed.
    if (request.rawHeaders.length > 2 * limits.maxHeadersCount) return deny(431, 'headers');
    if (requestPath !== path) return deny(404, 'path');
    // docs/security.md #4: never a secret in the URL, so no query string is accepted at all.
    if (query >= 0) return deny(400, 'query');
    // docs/security.md #2: DNS rebinding; the Host must be one we serve.
    if (!config.allowedHosts.includes((request.headers.host ?? '').toLowerCase())) {
      return deny(403, 'host');
    }
    // docs/security.md #1: exact match against configuration; "null" is never listed.
    if (origin === undefined || !config.allowedOrigins.includes(origin)) return deny(403, 'origin');
    // ws would answer a malformed handshake 400 itself, unlogged and uncounted,
    // after the address had spent its rate budget: refuse it here first.
    if (!isWellFormedHandshake(request)) return deny(400, 'handshake');
    const peer = request.socket.remoteAddress ?? '';
    if (!isAccessAllowed(config.access, request, trust(peer, 0))) return deny(401, 'access');
    const admission = throttle.admit(ip);
    if (!admission.ok) {
      return deny(admission.status, admission.reason, {
        'Retry-After': String(admission.retryAfterS),
      });
    }
    let isAccepted = false;
    // ws answers 400 itself to a bad key or version and never calls back: free the slot.
    socket.once('close', () => {
      if (!isAccepted) throttle.release(ip);
    });
    wss.handleUpgrade(request, socket, head, (ws) => {
      isAccepted = true;
      const sid = randomBytes(8).toString('hex');
      metrics.sessionOpened();
      const relay = new Relay(
        ws,
        { sid, ip, origin: origin.slice(0, MAX_LOGGED_FIELD) },
        {
          ...deps,
          onEnd: (ended) => {
            sessions.delete(ended);
            throttle.release(ip);
          },
        },
      );
      sessions.add(relay);
    });
  }

  async function shutdown(graceMs: number): Promise<void> {
    isDraining = true;
    clearInterval(heartbeat);
    stopBans();
    for (const relay of sessions) relay.goingAway(limits.reconnectAfterMs);
    const deadline = Date.now() + graceMs;
    while (sessions.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, graceMs)));
    }
    for (const relay of sessions) relay.fail('GATEWAY_GOING_AWAY');
    // Wait for the close handshakes (bounded by closeTimeout in ws).
    const closeDeadline = Date.now() + limits.closeTimeoutMs + 1000;
    while (sessions.size > 0 && Date.now() < closeDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    wss.close();
  }

  return { handleUpgrade, sessions, shutdown };
}

/** RFC 6455 §4.2.1: `Upgrade: websocket`, version 13, a 16-byte base64 key. */
function isWellFormedHandshake(request: IncomingMessage): boolean {
  const { upgrade } = request.headers;
  const key = request.headers['sec-websocket-key'];
  return (
    request.method === 'GET' &&
    upgrade?.toLowerCase() === 'websocket' &&
    request.headers['sec-websocket-version'] === '13' &&
    typeof key === 'string' &&
    WEBSOCKET_KEY.test(key.trim())
  );
}

const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/;
