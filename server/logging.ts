// Structured logs (pino, one JSON object per line): one line when a session
// opens, one when it closes, one fail2ban line per failed login, one per
// refused upgrade. Never a password, SASL payload, token or message byte:
// callers pass only the fields named here (docs/security.md #26–#28).

import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** A pino logger; `destination` lets tests capture every line. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'pop3gw' },
    // Belt and braces: should a caller ever pass a request or its headers,
    // these never reach the output (docs/security.md #4: tokens stay out of logs).
    redact: {
      paths: [
        'headers.authorization',
        'headers.cookie',
        'headers["sec-websocket-protocol"]',
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["sec-websocket-protocol"]',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export interface SessionFacts {
  sid: string;
  ip: string;
  origin: string | undefined;
  target: string | undefined;
  /** Absent for POP3. */
  service?: 'smtp';
  tls?: { protocol: string; cipher: string };
}

export interface SessionEnd extends SessionFacts {
  bytesUp: number;
  bytesDown: number;
  durationMs: number;
  closeCode: number;
  closeReason: string;
  errorCode?: string;
  user?: string;
}

/** docs/security.md #27: the open line. */
export function logSessionOpen(logger: Logger, facts: SessionFacts & { connectMs: number }): void {
  logger.info({ event: 'session_open', ...facts }, 'session open');
}

/** docs/security.md #27: the close line, with byte counts (docs/security.md #17) and the close code. */
export function logSessionClose(logger: Logger, end: SessionEnd): void {
  logger.info({ event: 'session_close', ...end }, 'session close');
}

/**
 * docs/security.md #28: a fail2ban-friendly line. `user` is already a safe name (no
 * spaces or control characters) or absent, which is logged as `unknown`.
 */
export function logAuthFailure(
  logger: Logger,
  facts: { sid: string; ip: string; target: string; user: string | undefined; verb: string },
): void {
  const user = facts.user ?? 'unknown';
  logger.warn(
    { event: 'auth_failed', ...facts, user },
    `pop3gw: auth failed for user=${user} target=${facts.target} from ${facts.ip}`,
  );
}

/**
 * docs/security.md #66: one line per message sent through the gateway.
 * Counts and codes only: never an address, a subject, a body or a secret.
 */
export function logMessage(
  logger: Logger,
  facts: {
    sid: string;
    ip: string;
    target: string;
    recipients: number;
    size: number;
    result: 'accepted' | 'refused';
    replyCode: number;
  },
): void {
  logger.info({ event: 'smtp_message', ...facts }, 'message submitted');
}

export interface RefusedUpgrade {
  ip: string;
  status: number;
  reason: string;
  path: string;
  origin?: string;
}

/** The longest piece of a client-chosen header or path a log line keeps. */
export const MAX_LOGGED_FIELD = 200;
/** Refused-upgrade lines per window; a flood past it is counted, not written. */
const REFUSALS_PER_WINDOW = 50;
const REFUSAL_WINDOW_MS = 10_000;

/**
 * Logs refused upgrades, at most REFUSALS_PER_WINDOW lines per 10 s, with the
 * client's Origin and path cut to MAX_LOGGED_FIELD: a flood of 15 KB Origins
 * must not become a flood of 15 KB lines. What it leaves out it counts, in
 * `onDropped` and in one summary line when the next window opens.
 */
export function createRefusalLog(
  logger: Logger,
  onDropped: (count: number) => void,
  now: () => number = Date.now,
): (facts: RefusedUpgrade) => void {
  let windowStart = -Infinity;
  let written = 0;
  let dropped = 0;
  return (facts) => {
    const at = now();
    if (at - windowStart >= REFUSAL_WINDOW_MS) {
      if (dropped > 0) {
        logger.warn({ event: 'upgrade_refused_dropped', dropped }, 'refused upgrades not logged');
      }
      windowStart = at;
      written = 0;
      dropped = 0;
    }
    if (written >= REFUSALS_PER_WINDOW) {
      dropped += 1;
      onDropped(1);
      return;
    }
    written += 1;
    const { origin, path } = facts;
    logger.info(
      {
        event: 'upgrade_refused',
        ...facts,
        path: path.slice(0, MAX_LOGGED_FIELD),
        ...(origin !== undefined ? { origin: origin.slice(0, MAX_LOGGED_FIELD) } : {}),
      },
      'upgrade refused',
    );
  };
}
