// The browser↔gateway control messages (text frames, JSON) and the
// WebSocket close codes the gateway uses. Binary frames carry POP3 bytes and
// are not described here. Shared by the gateway and the browser; no I/O.

import type { BridgeErrorCode } from './errors.ts';

/** Every control message carries this version; anything else is refused. */
export const PROTOCOL_VERSION = 1;

/** What the session speaks: POP3 to the mailbox, or SMTP submission (RFC 6409). */
export const SERVICE_NAMES = ['pop3', 'smtp'] as const;
export type Service = (typeof SERVICE_NAMES)[number];

/** The browser's first frame: which configured server to reach, by id only, and which service. */
export interface OpenMessage {
  type: 'open';
  v: 1;
  server: string;
  /** Absent on the wire means POP3. */
  service?: Service;
}

export type ClientMessage = OpenMessage;

/** The upstream TLS session is verified; binary frames follow, starting with the greeting. */
export interface OpenedMessage {
  type: 'opened';
  v: 1;
  server: string;
  tls: { protocol: string; cipher: string };
}

/** Why the session ends; followed by a close with one of CLOSE_CODES. */
export interface ErrorMessage {
  type: 'error';
  v: 1;
  code: ErrorCode;
  message: string;
}

/** The gateway is shutting down: reconnect (to another instance) after the delay. */
export interface GoingAwayMessage {
  type: 'going-away';
  v: 1;
  reconnectAfterMs: number;
}

export type GatewayMessage = OpenedMessage | ErrorMessage | GoingAwayMessage;

/** The gateway's own refusals (server/errors.ts raises these). */
export type GatewayErrorCode =
  | 'GATEWAY_UNKNOWN_SERVER'
  | 'GATEWAY_IDLE'
  | 'GATEWAY_QUOTA'
  | 'GATEWAY_SESSION_EXPIRED'
  | 'GATEWAY_RATE_LIMITED'
  | 'GATEWAY_BANNED'
  | 'GATEWAY_GOING_AWAY'
  | 'GATEWAY_INTERNAL'
  /** The server id has no submission server configured. */
  | 'GATEWAY_SENDING_OFF'
  /** Messages per user or per address per hour (docs/security.md #65). */
  | 'GATEWAY_SEND_LIMIT';

/** Why the gateway could not reach or verify the POP3 server (server/upstream.ts raises these). */
export type UpstreamErrorCode =
  | 'UPSTREAM_CONNECT_FAILED'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_TLS_SELF_SIGNED'
  | 'UPSTREAM_TLS_EXPIRED'
  | 'UPSTREAM_TLS_HOSTNAME'
  | 'UPSTREAM_TLS_UNTRUSTED'
  | 'UPSTREAM_TLS_PROTOCOL'
  | 'UPSTREAM_STLS_FAILED'
  /** RFC 3207: the submission server did not offer or complete STARTTLS. */
  | 'UPSTREAM_STARTTLS_FAILED'
  /** The server did not take XCLIENT from the gateway (Postfix XCLIENT_README). */
  | 'UPSTREAM_XCLIENT_FAILED'
  | 'UPSTREAM_BAD_GREETING'
  | 'UPSTREAM_CLOSED'
  | 'UPSTREAM_ABORTED';

/**
 * Stable error codes sent in `error` messages, prefixed by the layer that
 * raised them. Open-ended so an older browser still shows a newer gateway's code.
 */
export type ErrorCode = BridgeErrorCode | GatewayErrorCode | UpstreamErrorCode | (string & {});

/**
 * Application close codes (RFC 6455 §7.4.2: 4000–4999 are private use). Each
 * TLS failure has its own code so an operator can tell a missing CA from an
 * expired certificate without reading gateway logs (docs/security.md #12).
 */
export const CLOSE_CODES = {
  BAD_MESSAGE: 4000,
  UNKNOWN_SERVER: 4001,
  TLS_UNTRUSTED: 4002,
  TLS_SELF_SIGNED: 4003,
  TLS_EXPIRED: 4004,
  TLS_HOSTNAME: 4005,
  TLS_PROTOCOL: 4006,
  STLS_FAILED: 4007,
  STARTTLS_FAILED: 4008,
  SENDING_OFF: 4009,
  UPSTREAM_CONNECT_FAILED: 4010,
  UPSTREAM_TIMEOUT: 4011,
  UPSTREAM_BAD_GREETING: 4012,
  UPSTREAM_CLOSED: 4013,
  UPSTREAM_PROTOCOL: 4014,
  XCLIENT_FAILED: 4015,
  LINE_REJECTED: 4020,
  MESSAGE_REJECTED: 4021,
  OUT_OF_ORDER: 4022,
  TOO_MANY_RECIPIENTS: 4023,
  TOO_LARGE: 4024,
  IDLE: 4030,
  QUOTA: 4031,
  SESSION_EXPIRED: 4032,
  RATE_LIMITED: 4040,
  BANNED: 4041,
  SEND_LIMIT: 4042,
  GOING_AWAY: 4050,
  INTERNAL: 4060,
} as const;

export type CloseCodeName = keyof typeof CLOSE_CODES;
export type CloseCode = (typeof CLOSE_CODES)[CloseCodeName];

export interface CloseCodeInfo {
  name: CloseCodeName;
  /** The close reason sent on the wire (≤ 123 bytes, RFC 6455 §5.5). */
  reason: string;
  /** Whether opening a new session later may succeed without a change of configuration. */
  isRetryable: boolean;
  description: string;
}

/** The table the gateway closes by and the browser explains by. */
export const CLOSE_CODE_INFO: Readonly<Record<CloseCode, CloseCodeInfo>> = {
  4000: info('BAD_MESSAGE', 'bad_message', false, 'The browser sent a malformed control message.'),
  4001: info('UNKNOWN_SERVER', 'unknown_server', false, 'No server with that id is configured.'),
  4002: info('TLS_UNTRUSTED', 'tls_untrusted', false, 'The server certificate is not trusted.'),
  4003: info('TLS_SELF_SIGNED', 'tls_self_signed', false, 'The server certificate is self-signed.'),
  4004: info('TLS_EXPIRED', 'tls_expired', false, 'The server certificate has expired.'),
  4005: info('TLS_HOSTNAME', 'tls_hostname', false, 'The certificate is for another name.'),
  4006: info('TLS_PROTOCOL', 'tls_protocol', false, 'TLS failed (version below 1.2 or broken).'),
  4007: info('STLS_FAILED', 'stls_failed', false, 'The server did not upgrade with STLS.'),
  4008: info('STARTTLS_FAILED', 'starttls_failed', false, 'The server did not offer STARTTLS.'),
  4009: info('SENDING_OFF', 'sending_off', false, 'Sending is not set up for this server.'),
  4010: info(
    'UPSTREAM_CONNECT_FAILED',
    'upstream_connect_failed',
    true,
    'Cannot reach the server.',
  ),
  4011: info('UPSTREAM_TIMEOUT', 'upstream_timeout', true, 'The server did not answer in time.'),
  4012: info('UPSTREAM_BAD_GREETING', 'upstream_bad_greeting', true, 'The server refused us.'),
  4013: info('UPSTREAM_CLOSED', 'upstream_closed', true, 'The server closed the connection.'),
  4014: info('UPSTREAM_PROTOCOL', 'upstream_protocol', true, 'The server broke the protocol.'),
  4015: info('XCLIENT_FAILED', 'xclient_failed', false, 'The server refused XCLIENT.'),
  4020: info('LINE_REJECTED', 'line_rejected', false, 'A command line was refused.'),
  4021: info(
    'MESSAGE_REJECTED',
    'message_rejected',
    false,
    'The message has bytes a server could read as a second message.',
  ),
  4022: info('OUT_OF_ORDER', 'out_of_order', false, 'A command came before it was allowed.'),
  4023: info('TOO_MANY_RECIPIENTS', 'too_many_recipients', false, 'Too many recipients.'),
  4024: info('TOO_LARGE', 'too_large', false, 'The message is too large.'),
  4030: info('IDLE', 'idle', true, 'No command for too long.'),
  4031: info('QUOTA', 'quota', true, 'The session moved more bytes than allowed.'),
  4032: info('SESSION_EXPIRED', 'session_expired', true, 'The session lasted too long.'),
  4040: info('RATE_LIMITED', 'rate_limited', true, 'Too many sessions or failed logins.'),
  4041: info('BANNED', 'banned', true, 'Too many failed sign-ins; wait before trying again.'),
  4042: info('SEND_LIMIT', 'send_limit', true, 'Too many messages this hour; try again later.'),
  4050: info('GOING_AWAY', 'going_away', true, 'The gateway is restarting.'),
  4060: info('INTERNAL', 'internal_error', true, 'The gateway failed.'),
};

function info(
  name: CloseCodeName,
  reason: string,
  isRetryable: boolean,
  description: string,
): CloseCodeInfo {
  return { name, reason, isRetryable, description };
}

/** The table entry for a close code, or undefined for codes outside it (1000, 1006…). */
export function closeCodeInfo(code: number): CloseCodeInfo | undefined {
  return (CLOSE_CODE_INFO as Record<number, CloseCodeInfo | undefined>)[code];
}
