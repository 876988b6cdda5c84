// The POP3 side of a relayed session: the line guard on browser bytes, the
// auth watch on server bytes until TRANSACTION, and the login allowance
// spent as each attempt is relayed (docs/security.md, login limits). The
// Relay owns sockets and timers; this module sees only the SessionHost.

import { AuthWatch, type AttemptOutcome, type AuthEvent } from '../shared/bridge/auth-watch.ts';
import type { BridgeError } from '../shared/bridge/errors.ts';
import { LineGuard, type CheckedLine } from '../shared/bridge/line-guard.ts';
import { logAuthFailure } from './logging.ts';
import { addressKey } from './network.ts';
import type { ProtocolSession, SessionHost } from './relay-session.ts';
import type { Attempt, AttemptRefusal, Ban } from './throttle.ts';

export class Pop3Session implements ProtocolSession {
  private readonly guard = new LineGuard();
  private readonly watch = new AuthWatch(this.guard);
  private isWatching = true;
  private hasSentQuit = false;
  private user: string | undefined;
  /** The throttle's key of the name the session signs in as. */
  private account: string | undefined;
  /** Login attempts relayed and not yet answered, oldest first. */
  private readonly attempts: Attempt[] = [];
  /** Checked lines not yet relayed: they wait behind a login attempt's delay. */
  private readonly outbox: CheckedLine[] = [];
  /** Why the line at the head of the outbox was refused; the session ends with it. */
  private pendingRefusal: AttemptRefusal | BridgeError | undefined;

  constructor(private readonly host: SessionHost) {}

  get hasQuit(): boolean {
    return this.hasSentQuit;
  }

  greet(greeting: Uint8Array): void {
    this.host.pushDown(greeting);
  }

  onClientBytes(frame: Uint8Array): void {
    const result = this.guard.push(frame);
    if (result.error) return this.host.fail(result.error.code, result.error.message);
    this.outbox.push(...result.lines);
    this.relayOutbox();
  }

  /**
   * Relay checked lines in order until one must wait or be refused. A login
   * attempt spends the allowance as it is relayed (docs/security.md, login
   * limits), so however many are pipelined, no more reach the server than
   * the allowance left; the first one past it ends the session.
   */
  private relayOutbox(): void {
    const out: Uint8Array[] = [];
    while (this.host.isOpen && !this.host.isHeld) {
      const line = this.outbox[0];
      if (line === undefined) break;
      const verdict = this.admit(line);
      if (verdict === 'relay') {
        this.outbox.shift();
        out.push(line.bytes);
        continue;
      }
      if (typeof verdict === 'number') this.host.hold(verdict, () => this.relayOutbox());
      break;
    }
    if (out.length > 0) this.host.writeUp(out);
    if (this.host.isOpen && this.pendingRefusal) this.endLogin(this.pendingRefusal);
  }

  /** 'relay', a delay in ms before trying the line again, or 'stop' (the session ends). */
  private admit(line: CheckedLine): 'relay' | 'stop' | number {
    if (line.verb === 'QUIT') this.hasSentQuit = true;
    if (!this.isWatching) return 'relay';
    const role = this.watch.check(line);
    if ('code' in role) return this.stop(role);
    const { throttle } = this.host.deps;
    const target = this.host.target.id;
    if (role.kind === 'attempt') {
      const verdict = throttle.startAttempt(this.host.ip, target, role.account);
      if (verdict.ok === 'wait') return verdict.waitMs;
      if (!verdict.ok) return this.stop(verdict);
      this.attempts.push(verdict.attempt);
    } else if (role.kind === 'names') {
      const attempt = this.attempts.at(-1);
      const verdict = attempt ? throttle.nameAttempt(attempt, role.account) : { ok: true as const };
      if (verdict.ok === 'wait') return verdict.waitMs;
      if (!verdict.ok) return this.stop(verdict);
    }
    if (line.account !== undefined) this.account = line.account;
    if (line.user) this.setUser(line.user);
    this.watch.sent(line);
    return 'relay';
  }

  /** Refuse this line and all after it; the session ends once what came before is relayed. */
  private stop(reason: AttemptRefusal | BridgeError): 'stop' {
    this.pendingRefusal = reason;
    this.outbox.length = 0;
    return 'stop';
  }

  private endLogin(reason: AttemptRefusal | BridgeError): void {
    if ('code' in reason) return this.host.fail(reason.code, reason.message);
    this.host.fail('GATEWAY_BANNED', `retry after ${reason.retryAfterS} s`);
  }

  /**
   * A ban was just decided. A session still signing in from that address, or
   * as that account from an address that may no longer try it, ends now.
   */
  onBan(ban: Ban): void {
    if (!this.isWatching || !this.host.isOpen) return;
    const { ip } = this.host;
    const target = this.host.target.id;
    const isHit =
      ban.kind === 'address'
        ? addressKey(ip) === ban.address
        : ban.target === target &&
          ban.account === this.account &&
          !this.host.deps.throttle.maySignIn(ip, target, this.account);
    if (isHit) this.host.fail('GATEWAY_BANNED', 'banned while signing in');
  }

  /** `chunk` is a view reused after the call: the watch gets a copy, Downstream copies. */
  onServerBytes(chunk: Uint8Array): void {
    if (!this.isWatching) return this.host.pushDown(chunk);
    const { events, error } = this.watch.receive(chunk.slice());
    // What the server said reaches the browser before any ban it causes.
    this.host.pushDown(chunk);
    for (const event of events) this.onAuthEvent(event);
    if (error) this.host.fail(error.code, error.message);
  }

  private onAuthEvent(event: AuthEvent): void {
    if (event.user) this.setUser(event.user);
    if (event.kind === 'authenticated') {
      // Once in TRANSACTION: no more parsing, just relaying. Attempts
      // pipelined behind the login reach a server that no longer checks them.
      this.isWatching = false;
      this.settleAll('neutral');
      return;
    }
    const attempt = this.attempts.shift();
    if (attempt) this.settle(attempt, event.outcome, event.verb, event.user);
  }

  /** The one place a login attempt is counted: throttle, metric and fail2ban line. */
  private settle(attempt: Attempt, outcome: AttemptOutcome, verb: string, user?: string): void {
    if (attempt.isSettled) return;
    const { sid, ip, target, deps } = this.host;
    if (outcome === 'failed') {
      deps.metrics.authFailed(target.id);
      logAuthFailure(deps.logger, { sid, ip, target: target.id, user, verb });
    }
    // Last: a ban it causes closes sessions, this one included.
    deps.throttle.settle(attempt, outcome);
  }

  private settleAll(outcome: AttemptOutcome): void {
    for (const attempt of this.attempts.splice(0)) this.settle(attempt, outcome, 'AUTH', this.user);
  }

  /**
   * An attempt the server never answered: when the browser or the guard
   * ended the session, it may have been a guess whose answer the client did
   * not wait for, so it counts; when the server went away, it does not.
   */
  finish(isServerSide: boolean): void {
    this.settleAll(isServerSide ? 'neutral' : 'failed');
  }

  private setUser(user: string): void {
    this.user = user;
    this.host.setUser(user);
  }
}
