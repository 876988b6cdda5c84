// The gateway layer's errors (`GATEWAY_*`) and the one table that turns any
// layer's error code into a WebSocket close code and a message a user may
// read. Never a stack trace or an internal address to the browser.

import {
  CLOSE_CODE_INFO,
  CLOSE_CODES,
  type CloseCode,
  type GatewayErrorCode,
} from '../shared/bridge/messages.ts';
import type { UpstreamErrorCode } from './upstream-errors.ts';
import type { BridgeErrorCode } from '../shared/bridge/errors.ts';

export type { GatewayErrorCode };

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The one factory of this layer. */
export function gatewayError(code: GatewayErrorCode, message: string): GatewayError {
  return new GatewayError(code, message);
}

export type SessionErrorCode = GatewayErrorCode | UpstreamErrorCode | BridgeErrorCode;

const CLOSE_FOR: Record<SessionErrorCode, CloseCode> = {
  GATEWAY_UNKNOWN_SERVER: CLOSE_CODES.UNKNOWN_SERVER,
  GATEWAY_IDLE: CLOSE_CODES.IDLE,
  GATEWAY_QUOTA: CLOSE_CODES.QUOTA,
  GATEWAY_SESSION_EXPIRED: CLOSE_CODES.SESSION_EXPIRED,
  GATEWAY_RATE_LIMITED: CLOSE_CODES.RATE_LIMITED,
  GATEWAY_BANNED: CLOSE_CODES.BANNED,
  GATEWAY_GOING_AWAY: CLOSE_CODES.GOING_AWAY,
  GATEWAY_INTERNAL: CLOSE_CODES.INTERNAL,
  UPSTREAM_CONNECT_FAILED: CLOSE_CODES.UPSTREAM_CONNECT_FAILED,
  UPSTREAM_TIMEOUT: CLOSE_CODES.UPSTREAM_TIMEOUT,
  UPSTREAM_TLS_SELF_SIGNED: CLOSE_CODES.TLS_SELF_SIGNED,
  UPSTREAM_TLS_EXPIRED: CLOSE_CODES.TLS_EXPIRED,
  UPSTREAM_TLS_HOSTNAME: CLOSE_CODES.TLS_HOSTNAME,
  UPSTREAM_TLS_UNTRUSTED: CLOSE_CODES.TLS_UNTRUSTED,
  UPSTREAM_TLS_PROTOCOL: CLOSE_CODES.TLS_PROTOCOL,
  UPSTREAM_STLS_FAILED: CLOSE_CODES.STLS_FAILED,
  UPSTREAM_BAD_GREETING: CLOSE_CODES.UPSTREAM_BAD_GREETING,
  UPSTREAM_CLOSED: CLOSE_CODES.UPSTREAM_CLOSED,
  UPSTREAM_ABORTED: CLOSE_CODES.UPSTREAM_CLOSED,
  BRIDGE_BAD_MESSAGE: CLOSE_CODES.BAD_MESSAGE,
  BRIDGE_LINE_TOO_LONG: CLOSE_CODES.LINE_REJECTED,
  BRIDGE_LINE_REJECTED: CLOSE_CODES.LINE_REJECTED,
  BRIDGE_VERB_FORBIDDEN: CLOSE_CODES.LINE_REJECTED,
  BRIDGE_SERVER_PROTOCOL: CLOSE_CODES.UPSTREAM_PROTOCOL,
};

export interface SessionEnding {
  closeCode: CloseCode;
  reason: string;
  /** Safe for the browser: the table's description, never Node's error text. */
  message: string;
}

/**
 * How a session ends for `code`. Messages of the line guard are kept (they
 * never quote a secret); upstream details stay in the gateway's log.
 */
export function sessionEnding(code: SessionErrorCode, detail?: string): SessionEnding {
  const closeCode = CLOSE_FOR[code];
  const info = CLOSE_CODE_INFO[closeCode];
  const isGuard = code.startsWith('BRIDGE_') && detail !== undefined;
  return {
    closeCode,
    reason: info.reason,
    message: isGuard ? `${info.description} (${detail})` : info.description,
  };
}
