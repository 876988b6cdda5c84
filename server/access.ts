// Optional gateway access control that does not depend on Origin (SECURITY.md
// item 4): a header set by an authenticating reverse proxy, or a short-lived
// HMAC token offered as a WebSocket subprotocol, never in the URL. Also picks
// the subprotocol to answer. Knows nothing of POP3.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AccessControl } from './config.ts';

/** The subprotocol the browser offers alongside its token; the one we select. */
export const SUBPROTOCOL = 'pop3gw.v1';
const TOKEN_PREFIX = 'pop3gw.token.';
/** "Short-lived": a token valid for longer than this is refused whatever it says. */
export const MAX_TOKEN_LIFETIME_S = 3600;

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/**
 * Mint a token for the subprotocol list, `pop3gw.token.<payload>.<mac>`
 * (base64url is a valid RFC 7230 token). For whatever authenticates users
 * in front of the gateway; tests use it too.
 */
export function mintAccessToken(secret: string, ttlS: number, nowMs = Date.now()): string {
  const exp = Math.floor(nowMs / 1000) + ttlS;
  const payload = Buffer.from(JSON.stringify({ exp })).toString('base64url');
  return `${TOKEN_PREFIX}${payload}.${sign(secret, payload)}`;
}

function isValidToken(secret: string, token: string, nowMs: number): boolean {
  const [payload, mac, ...rest] = token.slice(TOKEN_PREFIX.length).split('.');
  if (!payload || !mac || rest.length > 0) return false;
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  try {
    const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { exp?: unknown };
    const now = nowMs / 1000;
    return typeof exp === 'number' && exp > now && exp <= now + MAX_TOKEN_LIFETIME_S;
  } catch {
    return false;
  }
}

function offeredProtocols(request: IncomingMessage): string[] {
  const header = request.headers['sec-websocket-protocol'];
  return header ? header.split(',').map((value) => value.trim()) : [];
}

/**
 * Whether the upgrade passes access control. `isFromTrustedProxy`: the
 * direct peer is a trusted proxy, the only source a proxy header may come from.
 */
export function isAccessAllowed(
  access: AccessControl,
  request: IncomingMessage,
  isFromTrustedProxy: boolean,
  nowMs = Date.now(),
): boolean {
  switch (access.kind) {
    case 'none':
      return true;
    case 'header': {
      const value = request.headers[access.header];
      return isFromTrustedProxy && typeof value === 'string' && value.trim() !== '';
    }
    case 'token':
      return offeredProtocols(request).some(
        (protocol) =>
          protocol.startsWith(TOKEN_PREFIX) && isValidToken(access.secret, protocol, nowMs),
      );
  }
}

/**
 * ws `handleProtocols`: answer `pop3gw.v1` when offered, never echo a token
 * back (browsers fail a handshake whose offered protocols got no answer, so
 * a token must travel with `pop3gw.v1`).
 */
export function selectProtocol(protocols: Set<string>): string | false {
  return protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false;
}
