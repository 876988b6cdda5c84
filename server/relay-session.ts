// What a relayed session's protocol side (POP3 or SMTP) and the Relay that
// carries it know of each other: the Relay owns sockets, timers,
// backpressure, quotas and teardown and lends a SessionHost; the protocol
// side checks bytes and counts logins through it. Types only.

import type { UpstreamConfig } from './config.ts';
import type { SessionErrorCode } from './errors.ts';
import type { Logger } from './logging.ts';
import type { Metrics } from './metrics.ts';
import type { SendQuota } from './send-quota.ts';
import type { Ban, Throttle } from './throttle.ts';

/** The narrow view of a Relay a protocol side works through; nothing else of it is reachable. */
export interface SessionHost {
  readonly sid: string;
  readonly ip: string;
  readonly target: UpstreamConfig;
  readonly deps: { logger: Logger; metrics: Metrics; throttle: Throttle; sendQuota: SendQuota };
  /** The upstream is connected and the session not ending. */
  readonly isOpen: boolean;
  /** A login delay is holding browser frames. */
  readonly isHeld: boolean;
  /** Bytes to the server, in order; the host applies backpressure. */
  writeUp(out: readonly Uint8Array[]): void;
  /** Bytes to the browser (copied). */
  pushDown(bytes: Uint8Array): void;
  fail(code: SessionErrorCode, detail?: string): void;
  /** Read no more browser frames for `ms`, then call `then` (the login delay). */
  hold(ms: number, then: () => void): void;
  /** The name the session signs in as, for the close line. */
  setUser(user: string): void;
}

/** The protocol side of one session. */
export interface ProtocolSession {
  /** The greeting the upstream connection already read. */
  greet(greeting: Uint8Array): void;
  /** One browser frame (a view ws reuses: copy what is kept). */
  onClientBytes(frame: Uint8Array): void;
  /** Server bytes (a view reused after the call). */
  onServerBytes(chunk: Uint8Array): void;
  /** A ban was just decided; a session still signing in that it hits ends. */
  onBan(ban: Ban): void;
  /** The user's QUIT went up: the server's hang-up that follows is a normal end. */
  readonly hasQuit: boolean;
  /** The session ended: settle unanswered login attempts. */
  finish(isServerSide: boolean): void;
}
