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
import type { SmtpErrorCode } from '../shared/smtp/errors.ts';

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

export type SessionErrorCode =
  GatewayErrorCode | UpstreamErrorCode | BridgeErrorCode | SmtpErrorCode;

const CLOSE_FOR: Record<SessionErrorCode, CloseCode> = {
  GATEWAY_UNKNOWN_SERVER: CLOSE_CODES.UNKNOWN_SERVER,
  GATEWAY_IDLE: CLOSE_CODES.IDLE,
  GATEWAY_QUOTA: CLOSE_CODES.QUOTA,
  GATEWAY_SESSION_EXPIRED: CLOSE_CODES.SESSION_EXPIRED,
  GATEWAY_RATE_LIMITED: CLOSE_CODES.RATE_LIMITED,
  GATEWAY_BANNED: CLOSE_CODES.BANNED,
  GATEWAY_GOING_AWAY: CLOSE_CODES.GOING_AWAY,
  GATEWAY_INTERNAL: CLOSE_CODES.INTERNAL,
  GATEWAY_SENDING_OFF: CLOSE_CODES.SENDING_OFF,
  GATEWAY_SEND_LIMIT: CLOSE_CODES.SEND_LIMIT,
  UPSTREAM_CONNECT_FAILED: CLOSE_CODES.UPSTREAM_CONNECT_FAILED,
  UPSTREAM_TIMEOUT: CLOSE_CODES.UPSTREAM_TIMEOUT,
  UPSTREAM_TLS_SELF_SIGNED: CLOSE_CODES.TLS_SELF_SIGNED,
  UPSTREAM_TLS_EXPIRED: CLOSE_CODES.TLS_EXPIRED,
  UPSTREAM_TLS_HOSTNAME: CLOSE_CODES.TLS_HOSTNAME,
  UPSTREAM_TLS_UNTRUSTED: CLOSE_CODES.TLS_UNTRUSTED,
  UPSTREAM_TLS_PROTOCOL: CLOSE_CODES.TLS_PROTOCOL,
  UPSTREAM_STLS_FAILED: CLOSE_CODES.STLS_FAILED,
  UPSTREAM_STARTTLS_FAILED: CLOSE_CODES.STARTTLS_FAILED,
  UPSTREAM_XCLIENT_FAILED: CLOSE_CODES.XCLIENT_FAILED,
  UPSTREAM_BAD_GREETING: CLOSE_CODES.UPSTREAM_BAD_GREETING,
  UPSTREAM_CLOSED: CLOSE_CODES.UPSTREAM_CLOSED,
  UPSTREAM_ABORTED: CLOSE_CODES.UPSTREAM_CLOSED,
  BRIDGE_BAD_MESSAGE: CLOSE_CODES.BAD_MESSAGE,
  BRIDGE_LINE_TOO_LONG: CLOSE_CODES.LINE_REJECTED,
  BRIDGE_LINE_REJECTED: CLOSE_CODES.LINE_REJECTED,
  BRIDGE_VERB_FORBIDDEN: CLOSE_CODES.LINE_REJECTED,
  BRIDGE_SERVER_PROTOCOL: CLOSE_CODES.UPSTREAM_PROTOCOL,
  // The SMTP guard's refusals (shared/bridge/smtp-guard.ts): smuggling-class
  // body bytes (CVE-2023-51764) get their own code, apart from order and caps.
  SMTP_BARE_CR: CLOSE_CODES.MESSAGE_REJECTED,
  SMTP_BARE_LF: CLOSE_CODES.MESSAGE_REJECTED,
  SMTP_SMUGGLING: CLOSE_CODES.MESSAGE_REJECTED,
  SMTP_BAD_DOT_STUFFING: CLOSE_CODES.MESSAGE_REJECTED,
  SMTP_DATA_LINE_TOO_LONG: CLOSE_CODES.MESSAGE_REJECTED,
  SMTP_BAD_BODY: CLOSE_CODES.MESSAGE_REJECTED,
  SMTP_MAIL_BEFORE_AUTH: CLOSE_CODES.OUT_OF_ORDER,
  SMTP_OUT_OF_TURN: CLOSE_CODES.OUT_OF_ORDER,
  SMTP_WRONG_STATE: CLOSE_CODES.OUT_OF_ORDER,
  SMTP_TOO_MANY_RECIPIENTS: CLOSE_CODES.TOO_MANY_RECIPIENTS,
  SMTP_TOO_LARGE: CLOSE_CODES.TOO_LARGE,
  SMTP_BAD_COMMAND: CLOSE_CODES.LINE_REJECTED,
  SMTP_BAD_ADDRESS: CLOSE_CODES.LINE_REJECTED,
  SMTP_UNSUPPORTED: CLOSE_CODES.LINE_REJECTED,
  SMTP_NO_AUTH_MECHANISM: CLOSE_CODES.LINE_REJECTED,
  // Codes the codec gives a server's reply; the gateway only passes replies on,
  // so these can end a session only as the server's protocol failing.
  SMTP_BAD_REPLY: CLOSE_CODES.UPSTREAM_PROTOCOL,
  SMTP_LINE_TOO_LONG: CLOSE_CODES.UPSTREAM_PROTOCOL,
  SMTP_TOO_MANY_LINES: CLOSE_CODES.UPSTREAM_PROTOCOL,
  SMTP_UNEXPECTED_REPLY: CLOSE_CODES.UPSTREAM_PROTOCOL,
  SMTP_REPLY: CLOSE_CODES.UPSTREAM_PROTOCOL,
  SMTP_AUTH_FAILED: CLOSE_CODES.UPSTREAM_PROTOCOL,
  SMTP_SASL_FAILED: CLOSE_CODES.UPSTREAM_PROTOCOL,
  SMTP_RECIPIENT_REFUSED: CLOSE_CODES.UPSTREAM_PROTOCOL,
  SMTP_BUSY: CLOSE_CODES.UPSTREAM_CLOSED,
  SMTP_CLOSED: CLOSE_CODES.UPSTREAM_CLOSED,
  SMTP_TIMEOUT: CLOSE_CODES.UPSTREAM_TIMEOUT,
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
  const isGuard = (code.startsWith('BRIDGE_') || code.startsWith('SMTP_')) && detail !== undefined;
  return {
    closeCode,
    reason: info.reason,
    message: isGuard ? `${info.description} (${detail})` : info.description,
  };
}
