// Follows the server's replies during AUTHORIZATION (RFC 1939 §4) with the
// POP3 codec's reply parser, to learn three things only: when the server asks
// for a SASL response, which login attempts failed, and when the session
// reaches TRANSACTION (after which the gateway stops parsing and just relays).
// Pure; never keeps a secret: it only sees verbs and safe user names.

import { ReplyParser } from '../pop3/reply-parser.ts';
import type { StatusLine } from '../pop3/status.ts';
import { bridgeError, type BridgeError } from './errors.ts';
import type { CheckedLine, LineGuard } from './line-guard.ts';

export type AuthVerb = 'USER' | 'PASS' | 'APOP' | 'AUTH';

export type AuthEvent =
  /** A login step got -ERR that means "wrong credentials" (SECURITY.md item 28). */
  | { kind: 'auth-failed'; verb: AuthVerb; user?: string; responseCode?: string }
  /** A login step got +OK: the session is in TRANSACTION. */
  | { kind: 'authenticated'; verb: AuthVerb; user?: string };

export interface WatchResult {
  events: AuthEvent[];
  error?: BridgeError;
}

interface Entry {
  verb: AuthVerb | undefined;
  user: string | undefined;
  isSaslCancel: boolean;
}

/**
 * RFC 2449 §8.1.1, RFC 3206 §4-5: these say "busy" or "broken", never "wrong
 * password", so they must not count toward a ban.
 */
const NOT_A_FAILURE = new Set(['IN-USE', 'LOGIN-DELAY', 'SYS/TEMP', 'SYS/PERM']);

/** Limits while following AUTHORIZATION replies: only CAPA is multi-line there. */
const WATCH_LIMITS = { maxStatusLine: 8 * 1024, maxBodyLine: 8 * 1024 };
const MAX_WATCHED_BODY = 64 * 1024;
/**
 * Commands awaiting a reply before login. Each costs a queue entry, so a
 * client pipelining NOOPs at a slow server must not grow memory without end.
 */
export const MAX_PENDING_BEFORE_LOGIN = 256;

export class AuthWatch {
  private readonly queue: Entry[] = [];
  private state: 'authorization' | 'transaction' | 'failed' = 'authorization';
  private events: AuthEvent[] = [];
  private failure: BridgeError | undefined;
  /** The identity of the AUTH exchange in progress, learnt from its first response. */
  private saslUser: string | undefined;
  /** USER already failed in this attempt: its PASS -ERR is the same failure. */
  private hasUserFailed = false;
  private readonly parser = new ReplyParser(
    {
      onStatus: (status) => this.onStatus(status),
      onData: () => {},
      onEnd: () => void this.queue.shift(),
      onError: (error) => {
        this.failure ??= bridgeError('BRIDGE_SERVER_PROTOCOL', `server reply: ${error.message}`);
      },
    },
    WATCH_LIMITS,
  );

  constructor(private readonly guard: LineGuard) {}

  /** True once a login succeeded; the caller then stops feeding server bytes. */
  get isTransaction(): boolean {
    return this.state === 'transaction';
  }

  /**
   * Record lines about to go upstream, in order, so each reply finds its
   * command. Returns an error (and forwards nothing) past MAX_PENDING_BEFORE_LOGIN.
   */
  sent(lines: readonly CheckedLine[]): BridgeError | undefined {
    if (this.state !== 'authorization') return undefined;
    if (this.queue.length + lines.length > MAX_PENDING_BEFORE_LOGIN) {
      return bridgeError(
        'BRIDGE_LINE_REJECTED',
        `more than ${MAX_PENDING_BEFORE_LOGIN} commands awaiting a reply before login`,
      );
    }
    for (const line of lines) {
      this.parser.expect(line.shape, MAX_WATCHED_BODY);
      if (line.verb === 'AUTH') this.saslUser = line.user;
      if (line.verb === 'SASL' && line.user) this.saslUser = line.user;
      const isAuth = line.verb === 'AUTH' || line.verb === 'SASL';
      this.queue.push({
        verb: isAuth ? 'AUTH' : isAuthVerb(line.verb) ? line.verb : undefined,
        user: isAuth ? this.saslUser : line.user,
        isSaslCancel: line.isSaslCancel === true,
      });
    }
    return undefined;
  }

  /** Feed server bytes (in AUTHORIZATION only). Events are in reply order. */
  receive(bytes: Uint8Array): WatchResult {
    if (this.state !== 'authorization') return { events: [] };
    this.parser.push(bytes);
    const events = this.events;
    this.events = [];
    // After a successful login the rest of the chunk is ordinary traffic:
    // replies the watch was never meant to check.
    if (this.failure && this.state === 'authorization') {
      this.state = 'failed';
      return { events, error: this.failure };
    }
    return { events };
  }

  private onStatus(status: StatusLine): void {
    const entry = this.queue[0];
    if (this.state !== 'authorization' || !entry?.verb) return;
    const { verb, user } = entry;
    if (status.kind === 'continue') {
      // The parser only allows `+ ` for a sasl-shaped reply (AUTH or SASL line).
      this.guard.expectSaslResponse();
      return;
    }
    if (status.kind === 'ok') {
      if (verb === 'USER') return;
      this.state = 'transaction';
      this.events.push({ kind: 'authenticated', verb, ...(user ? { user } : {}) });
      return;
    }
    const code = status.responseCode;
    const isFailure = !entry.isSaslCancel && !(code && NOT_A_FAILURE.has(code));
    const isRepeat = verb === 'PASS' && this.hasUserFailed;
    this.hasUserFailed = verb === 'USER' && isFailure;
    if (!isFailure || isRepeat) return;
    this.events.push({
      kind: 'auth-failed',
      verb,
      ...(user ? { user } : {}),
      ...(code ? { responseCode: code } : {}),
    });
  }
}

function isAuthVerb(verb: string): verb is AuthVerb {
  return verb === 'USER' || verb === 'PASS' || verb === 'APOP' || verb === 'AUTH';
}
