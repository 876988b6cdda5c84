// Serializes and validates control messages (text frames). The only place
// that turns wire JSON into ClientMessage/GatewayMessage; decoders return a
// BridgeError value instead of throwing. Knows nothing of sockets.

import { bridgeError, type BridgeError } from './errors.ts';
import {
  PROTOCOL_VERSION,
  SERVICE_NAMES,
  type Service,
  type ClientMessage,
  type GatewayMessage,
  type OpenMessage,
} from './messages.ts';

/** No control message comes near this; refuse before JSON.parse sees a megabyte. */
export const MAX_CONTROL_MESSAGE = 4096;

/** Server ids are configuration keys, never host names (docs/security.md #8). */
export const SERVER_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{2,63}$/;
const TLS_NAME = /^[\x21-\x7e]{1,128}$/;
const MAX_ERROR_TEXT = 1024;
const MAX_RECONNECT_MS = 3_600_000;

type Fields = Record<string, unknown>;

function bad(why: string): BridgeError {
  return bridgeError('BRIDGE_BAD_MESSAGE', why);
}

/** Parse a JSON object with exactly `keys`, `type` and `v` already checked. */
function parseObject(
  text: string,
  keysByType: Record<string, readonly string[]>,
  optional: readonly string[] = [],
): Fields | BridgeError {
  if (text.length > MAX_CONTROL_MESSAGE)
    return bad(`control message over ${MAX_CONTROL_MESSAGE} characters`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad('control message is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return bad('control message is not a JSON object');
  }
  const fields = value as Fields;
  const type = fields.type;
  const keys =
    typeof type === 'string' && Object.hasOwn(keysByType, type) ? keysByType[type] : undefined;
  if (!keys) return bad(`unknown message type ${JSON.stringify(String(type).slice(0, 32))}`);
  if (fields.v !== PROTOCOL_VERSION)
    return bad(`unsupported version; this side speaks v${PROTOCOL_VERSION}`);
  // Unknown fields are refused, not ignored: a `host` or `port` from the
  // browser must never look accepted (docs/security.md #8).
  const unknown = Object.keys(fields).filter(
    (key) => !keys.includes(key) && !optional.includes(key),
  );
  if (unknown.length > 0) return bad(`unknown field ${JSON.stringify(unknown[0]?.slice(0, 32))}`);
  const missing = keys.filter((key) => !Object.hasOwn(fields, key));
  if (missing.length > 0) return bad(`missing field ${JSON.stringify(missing[0])}`);
  return fields;
}

const CLIENT_KEYS = { open: ['type', 'v', 'server'] } as const;
/** Absent: POP3, so a browser from before sending existed still opens its mailbox. */
const CLIENT_OPTIONAL = ['service'] as const;
const SERVICES: readonly string[] = SERVICE_NAMES;
const GATEWAY_KEYS = {
  opened: ['type', 'v', 'server', 'tls'],
  error: ['type', 'v', 'code', 'message'],
  'going-away': ['type', 'v', 'reconnectAfterMs'],
} as const;

/** Validate a browser message (gateway side). */
export function decodeClientMessage(text: string): ClientMessage | BridgeError {
  const fields = parseObject(text, CLIENT_KEYS, CLIENT_OPTIONAL);
  if (fields instanceof Error) return fields;
  if (typeof fields.server !== 'string' || !SERVER_ID.test(fields.server)) {
    return bad('server must be a configured server id');
  }
  const service = Object.hasOwn(fields, 'service') ? fields.service : 'pop3';
  if (typeof service !== 'string' || !SERVICES.includes(service)) {
    return bad(`service must be one of ${SERVICE_NAMES.join(', ')}`);
  }
  return {
    type: 'open',
    v: PROTOCOL_VERSION,
    server: fields.server,
    service: service as Service,
  } satisfies OpenMessage;
}

function decodeTls(value: unknown): { protocol: string; cipher: string } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const fields = value as Fields;
  const keys = Object.keys(fields);
  if (keys.length !== 2 || !keys.includes('protocol') || !keys.includes('cipher')) return undefined;
  const { protocol, cipher } = fields;
  if (typeof protocol !== 'string' || !TLS_NAME.test(protocol)) return undefined;
  if (typeof cipher !== 'string' || !TLS_NAME.test(cipher)) return undefined;
  return { protocol, cipher };
}

/** Validate a gateway message (browser side). */
export function decodeGatewayMessage(text: string): GatewayMessage | BridgeError {
  const fields = parseObject(text, GATEWAY_KEYS);
  if (fields instanceof Error) return fields;
  switch (fields.type) {
    case 'opened': {
      const tls = decodeTls(fields.tls);
      if (typeof fields.server !== 'string' || !SERVER_ID.test(fields.server)) {
        return bad('opened.server must be a server id');
      }
      if (!tls) return bad('opened.tls must be {protocol, cipher}');
      return { type: 'opened', v: PROTOCOL_VERSION, server: fields.server, tls };
    }
    case 'error':
      if (typeof fields.code !== 'string' || !ERROR_CODE.test(fields.code)) {
        return bad('error.code must be an UPPER_SNAKE code');
      }
      if (typeof fields.message !== 'string' || fields.message.length > MAX_ERROR_TEXT) {
        return bad(`error.message must be a string of at most ${MAX_ERROR_TEXT} characters`);
      }
      return { type: 'error', v: PROTOCOL_VERSION, code: fields.code, message: fields.message };
    default: {
      const delay = fields.reconnectAfterMs;
      if (
        typeof delay !== 'number' ||
        !Number.isInteger(delay) ||
        delay < 0 ||
        delay > MAX_RECONNECT_MS
      ) {
        return bad(`going-away.reconnectAfterMs must be an integer from 0 to ${MAX_RECONNECT_MS}`);
      }
      return { type: 'going-away', v: PROTOCOL_VERSION, reconnectAfterMs: delay };
    }
  }
}

/** Serialize a browser message; the browser's transport sends it as a text frame. */
export function encodeClientMessage(message: ClientMessage): string {
  return JSON.stringify({
    type: message.type,
    v: PROTOCOL_VERSION,
    server: message.server,
    // Left out for POP3: the same bytes as before, for gateways that predate sending.
    ...(message.service === 'smtp' ? { service: 'smtp' } : {}),
  });
}

/** Serialize a gateway message with exactly its own fields (nothing extra can leak). */
export function encodeGatewayMessage(message: GatewayMessage): string {
  switch (message.type) {
    case 'opened':
      return JSON.stringify({
        type: 'opened',
        v: PROTOCOL_VERSION,
        server: message.server,
        tls: { protocol: message.tls.protocol, cipher: message.tls.cipher },
      });
    case 'error':
      return JSON.stringify({
        type: 'error',
        v: PROTOCOL_VERSION,
        code: message.code,
        message: message.message.slice(0, MAX_ERROR_TEXT),
      });
    case 'going-away':
      return JSON.stringify({
        type: 'going-away',
        v: PROTOCOL_VERSION,
        reconnectAfterMs: message.reconnectAfterMs,
      });
  }
}
