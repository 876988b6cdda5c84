// Models AUTHORIZATION (RFC 1939 §4) as the server sees it: what the server
// will take each client line to be, which lines start a login attempt, and
// how each attempt ended, from the server's replies read with the codec's
// reply parser. Where it cannot be sure what the server will make of a line
// (anything sent while an AUTH exchange awaits its reply, RFC 5034 §4), it
// refuses the line, so its model and the server's never differ. Only the
// final +OK of PASS, APOP or an AUTH exchange ends AUTHORIZATION.
// Pure; never keeps a secret: it only sees verbs and user names.

import { MAX_STATUS_LINE } from '../pop3/limits.ts';
import { ReplyParser } from '../pop3/reply-parser.ts';
import { isFailedLogin } from '../pop3/response-codes.ts';
import type { StatusLine } from '../pop3/status.ts';
import { bridgeError, type BridgeError } from './errors.ts';
import type { CheckedLine, LineGuard } from './line-guard.ts';

/** The verbs that start a login attempt. */
export type AttemptVerb = 'PASS' | 'APOP' | 'AUTH';

/**
 * What a line is to the server: `attempt` starts a login attempt (spend the
 * allowance before relaying it); `names` gives the account of the AUTH
 * attempt in flight (its first SASL response); `other` is anything else.
 */
export type LineRole =
  | { kind: 'attempt'; verb: AttemptVerb; account: string | undefined }
  | { kind: 'names'; account: string }
  | { kind: 'other' };

export type AttemptOutcome = 'failed' | 'ok' | 'neutral';

export type AuthEvent =
  /** The oldest attempt in flight got its final reply. */
  | {
      kind: 'attempt-ended';
      outcome: AttemptOutcome;
      verb: AttemptVerb;
      user?: string;
      responseCode?: string;
    }
  /** The session is in TRANSACTION; attempts still in flight are moot. */
  | { kind: 'authenticated'; verb: AttemptVerb; user?: string };

export interface WatchResult {
  events: AuthEvent[];
  error?: BridgeError;
}

interface Entry {
  /** The attempt this line belongs to, or undefined for other commands. */
  verb: AttemptVerb | undefined;
  /** AUTH or a SASL response: the server may answer `+ ` and read the next line as SASL. */
  isSasl: boolean;
  user: string | undefined;
  isSaslCancel: boolean;
}

/** Limits while following AUTHORIZATION replies: only CAPA is multi-line there. */
const WATCH_LIMITS = { maxStatusLine: MAX_STATUS_LINE, maxBodyLine: MAX_STATUS_LINE };
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
  /** The user of the AUTH exchange in progress, learnt from its AUTH line or first response. */
  private saslUser: string | undefined;
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
   * What `line` will be to the server if relayed now, or why it must not be
   * relayed (then the session must end). Changes nothing: call sent() when
   * the line is actually relayed.
   */
  check(line: CheckedLine): LineRole | BridgeError {
    if (this.queue.length >= MAX_PENDING_BEFORE_LOGIN) {
      return bridgeError(
        'BRIDGE_LINE_REJECTED',
        `more than ${MAX_PENDING_BEFORE_LOGIN} commands awaiting a reply before login`,
      );
    }
    // RFC 5034 §4: after AUTH (or a SASL response) the server may answer `+ `
    // and read the next line as SASL data, or answer and read it as a command.
    // Until that reply is in, nobody can say which: refuse rather than guess.
    if (this.queue.some((entry) => entry.isSasl)) {
      return bridgeError('BRIDGE_LINE_REJECTED', 'a line sent before the AUTH reply came');
    }
    switch (line.verb) {
      case 'PASS':
      case 'APOP':
      case 'AUTH':
        return { kind: 'attempt', verb: line.verb, account: line.account };
      case 'SASL':
        return line.account !== undefined && this.saslUser === undefined
          ? { kind: 'names', account: line.account }
          : { kind: 'other' };
      default:
        return { kind: 'other' };
    }
  }

  /** Record a line as relayed, in order, so each reply finds its command. */
  sent(line: CheckedLine): void {
    if (this.state !== 'authorization') return;
    this.parser.expect(line.shape, MAX_WATCHED_BODY);
    if (line.verb === 'AUTH') this.saslUser = line.user;
    if (line.verb === 'SASL' && line.user) this.saslUser = line.user;
    const isSasl = line.verb === 'AUTH' || line.verb === 'SASL';
    const verb = isSasl
      ? 'AUTH'
      : line.verb === 'PASS' || line.verb === 'APOP'
        ? line.verb
        : undefined;
    this.queue.push({
      verb,
      isSasl,
      user: isSasl ? this.saslUser : line.user,
      isSaslCancel: line.isSaslCancel === true,
    });
  }

  /** Feed server bytes (in AUTHORIZATION only). Events are in reply order. */
  receive(bytes: Uint8Array): WatchResult {
    if (this.state !== 'authorization') return { events: [] };
    this.parser.push(bytes);
    const events = this.events;
    this.events = [];
    // After a successful login the rest of the chunk is ordinary traffic:
    // replies the watch was never meant to check.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- parser.push() above runs the callbacks that set failure and state
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
    const named = user ? { user } : {};
    if (status.kind === 'continue') {
      // The parser allows `+ ` only for a sasl-shaped reply (an AUTH or SASL line).
      this.guard.expectSaslResponse();
      return;
    }
    if (verb === 'AUTH') this.saslUser = undefined;
    if (status.kind === 'ok') {
      this.state = 'transaction';
      this.events.push({ kind: 'attempt-ended', outcome: 'ok', verb, ...named });
      this.events.push({ kind: 'authenticated', verb, ...named });
      return;
    }
    const code = status.responseCode;
    // The codec's one rule for what a response code means (RFC 2449 §8, RFC 3206);
    // the client's own SASL cancel is no guess.
    const isFailure = !entry.isSaslCancel && isFailedLogin(code);
    this.events.push({
      kind: 'attempt-ended',
      outcome: isFailure ? 'failed' : 'neutral',
      verb,
      ...named,
      ...(code ? { responseCode: code } : {}),
    });
  }
}
