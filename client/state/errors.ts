// Turns typed errors (POP3 codes and response codes, gateway close codes) into
// what the user reads and whether trying again later may help. Branches on
// codes only, never on message text.

import type { CloseCodeName } from '../../shared/bridge/messages.ts';
import {
  isFailedLogin,
  Pop3Error,
  Pop3ProtocolError,
  Pop3ReplyError,
  type ErrMeaning,
} from '../../shared/pop3/index.ts';
import { ConnectionError } from '../connection.ts';
import type { MessageKey } from './messages-en.ts';

const CLOSE_MESSAGES: Record<CloseCodeName, MessageKey> = {
  BAD_MESSAGE: 'error.gateway',
  UNKNOWN_SERVER: 'error.unknownServer',
  TLS_UNTRUSTED: 'error.certUntrusted',
  TLS_SELF_SIGNED: 'error.certSelfSigned',
  TLS_EXPIRED: 'error.certExpired',
  TLS_HOSTNAME: 'error.certHostname',
  TLS_PROTOCOL: 'error.tlsProtocol',
  STLS_FAILED: 'error.tlsProtocol',
  STARTTLS_FAILED: 'error.smtpStarttls',
  SENDING_OFF: 'error.smtpSendingOff',
  UPSTREAM_CONNECT_FAILED: 'error.serverUnreachable',
  UPSTREAM_TIMEOUT: 'error.serverTimeout',
  UPSTREAM_BAD_GREETING: 'error.serverRefused',
  // The mail server hung up (mid-reply, say): not the user's network.
  UPSTREAM_CLOSED: 'error.serverClosed',
  UPSTREAM_PROTOCOL: 'error.protocol',
  XCLIENT_FAILED: 'error.gateway',
  LINE_REJECTED: 'error.gateway',
  MESSAGE_REJECTED: 'error.smtpMessageRejected',
  OUT_OF_ORDER: 'error.gateway',
  TOO_MANY_RECIPIENTS: 'error.smtpTooManyRecipients',
  TOO_LARGE: 'error.smtpTooLarge',
  IDLE: 'error.idle',
  QUOTA: 'error.connectionLost',
  SESSION_EXPIRED: 'error.connectionLost',
  RATE_LIMITED: 'error.rateLimited',
  BANNED: 'error.banned',
  SEND_LIMIT: 'error.smtpSendLimit',
  GOING_AWAY: 'error.gatewayRestarting',
  INTERNAL: 'error.gateway',
};

/** What a -ERR's response code means to the user; `unspecified` says nothing by itself. */
const MEANING_MESSAGES: Record<ErrMeaning, MessageKey | undefined> = {
  credentials: 'error.wrongPassword',
  'in-use': 'error.inUse',
  'login-delay': 'error.loginDelay',
  temporary: 'error.tempFailure',
  permanent: 'error.permFailure',
  unspecified: undefined,
};

/** Gateway `error` codes, for a close without a table code (a proxy in between may rewrite it). */
const GATEWAY_CODE_MESSAGES: Record<string, MessageKey> = {
  UPSTREAM_TLS_SELF_SIGNED: 'error.certSelfSigned',
  UPSTREAM_TLS_EXPIRED: 'error.certExpired',
  UPSTREAM_TLS_HOSTNAME: 'error.certHostname',
  UPSTREAM_TLS_UNTRUSTED: 'error.certUntrusted',
  UPSTREAM_TLS_PROTOCOL: 'error.tlsProtocol',
  UPSTREAM_CONNECT_FAILED: 'error.serverUnreachable',
  UPSTREAM_TIMEOUT: 'error.serverTimeout',
  GATEWAY_UNKNOWN_SERVER: 'error.unknownServer',
  GATEWAY_RATE_LIMITED: 'error.rateLimited',
  GATEWAY_BANNED: 'error.banned',
  GATEWAY_SEND_LIMIT: 'error.smtpSendLimit',
  GATEWAY_SENDING_OFF: 'error.smtpSendingOff',
  UPSTREAM_STARTTLS_FAILED: 'error.smtpStarttls',
  SMTP_TOO_MANY_RECIPIENTS: 'error.smtpTooManyRecipients',
  SMTP_TOO_LARGE: 'error.smtpTooLarge',
};

/** The ConnectionError behind an error: itself, or the cause of a POP3_CLOSED. */
export function connectionCause(error: unknown): ConnectionError | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    if (current instanceof ConnectionError) return current;
    current = current instanceof Error ? current.cause : undefined;
  }
  return undefined;
}

function connectionMessage(error: ConnectionError): MessageKey {
  const { closeName, gatewayCode } = error.details;
  if (closeName) return CLOSE_MESSAGES[closeName];
  if (gatewayCode && Object.hasOwn(GATEWAY_CODE_MESSAGES, gatewayCode)) {
    return GATEWAY_CODE_MESSAGES[gatewayCode] as MessageKey;
  }
  switch (error.code) {
    case 'CONNECTION_UNREACHABLE':
    case 'CONNECTION_TIMEOUT':
      return 'error.gatewayUnreachable';
    case 'CONNECTION_GOING_AWAY':
      return 'error.gatewayRestarting';
    case 'CONNECTION_BAD_MESSAGE':
      return 'error.gateway';
    default:
      return 'error.connectionLost';
  }
}

/** What to tell the user about `error`, in plain words. */
export function errorMessageKey(error: unknown): MessageKey {
  const connection = connectionCause(error);
  if (connection) return connectionMessage(connection);
  if (error instanceof Pop3ReplyError) {
    // RFC 2449 §8 / RFC 3206: the response code says more than the command did.
    const key = MEANING_MESSAGES[error.meaning];
    if (key) return key;
    return error.code === 'POP3_AUTH_FAILED' ? 'error.wrongPassword' : 'error.protocol';
  }
  if (error instanceof Pop3ProtocolError) return 'error.protocol';
  if (error instanceof Pop3Error) {
    switch (error.code) {
      case 'POP3_AUTH_FAILED':
      case 'POP3_SASL_FAILED':
        return 'error.wrongPassword';
      case 'POP3_NO_AUTH_MECHANISM':
        return 'error.noAuthMechanism';
      case 'POP3_TIMEOUT':
        return 'error.timeout';
      case 'POP3_UNSUPPORTED':
        return 'error.readOnly';
      case 'POP3_CLOSED':
        return 'error.connectionLost';
      default:
        return 'error.protocol';
    }
  }
  return 'error.unknown';
}

/**
 * The password was refused: retrying with it would only add failed logins (and
 * bans). A -ERR counts only when the codec's classifier says it is a failed
 * login, the same rule the gateway counts by: `[SYS/PERM]` is a broken server,
 * not a reason to sign out.
 */
export function isCredentialFailure(error: unknown): boolean {
  if (connectionCause(error)) return false;
  if (error instanceof Pop3ReplyError) {
    return error.code === 'POP3_AUTH_FAILED' && isFailedLogin(error.responseCode);
  }
  return error instanceof Pop3Error && error.code === 'POP3_SASL_FAILED';
}

/** Whether opening a new session later may succeed without anyone changing anything. */
export function isRetryable(error: unknown): boolean {
  const connection = connectionCause(error);
  if (connection) return connection.details.isRetryable;
  if (error instanceof Pop3ReplyError) return error.isTransient;
  if (error instanceof Pop3Error) {
    return (
      error.code === 'POP3_CLOSED' ||
      error.code === 'POP3_TIMEOUT' ||
      error.code === 'POP3_PIPELINING_BROKEN'
    );
  }
  return false;
}
