// The SMTP side of a relayed session: every browser frame through the
// SmtpGuard, every server byte through its reply watch; AUTH attempts counted
// in the same throttle as POP3 logins, messages counted against the hourly
// caps at MAIL, one log line per message. The Relay owns the sockets, timers,
// backpressure and teardown; this module sees only the SessionHost.

import { accountKey } from '../shared/bridge/sasl-user.ts';
import { SmtpGuard, type SmtpGuardEvent } from '../shared/bridge/smtp-guard.ts';
import type { Limits } from './config.ts';
import { logAuthFailure, logMessage } from './logging.ts';
import { addressKey } from './network.ts';
import type { ProtocolSession, SessionHost } from './relay-session.ts';
import type { Attempt, Ban } from './throttle.ts';

/** RFC 5321 §4.5.3.1.6: a text line is at most 1000 octets with its CRLF. */
const MAX_DATA_LINE = 1000;

export class SmtpSession implements ProtocolSession {
  private readonly guard: SmtpGuard;
  /** Login attempts relayed and not yet answered (one at a time: the guard waits for 334/235/535). */
  private readonly attempts: Attempt[] = [];
  private user: string | undefined;

  constructor(
    private readonly host: SessionHost,
    limits: Pick<Limits, 'smtpMaxRecipients' | 'smtpMaxMessageBytes'>,
  ) {
    this.guard = new SmtpGuard({
      maxRecipients: limits.smtpMaxRecipients,
      maxMessageBytes: limits.smtpMaxMessageBytes,
      maxDataLine: MAX_DATA_LINE,
    });
  }

  /** After the user's QUIT the server hangs up: a normal end (RFC 5321 §4.1.1.10). */
  get hasQuit(): boolean {
    return this.guard.hasQuit;
  }

  /**
   * One browser frame. Fail closed: a refused frame forwards none of its
   * lines, and ending the session destroys the upstream, so a message cut
   * short in DATA is never delivered (RFC 5321 §4.1.1.4).
   */
  onClientBytes(frame: Uint8Array): void {
    const before = { ...this.guard.counts };
    const result = this.guard.push(frame);
    if (result.error) return this.host.fail(result.error.code, result.error.message);
    const mails = this.guard.counts.mail - before.mail;
    if (mails > 0) {
      const { ip, target, deps } = this.host;
      const account = this.user === undefined ? undefined : accountKey(this.user);
      const verdict = deps.sendQuota.take(ip, target.id, account, mails);
      if (!verdict.ok) {
        return this.host.fail(
          'GATEWAY_SEND_LIMIT',
          `per ${verdict.by}; retry after ${verdict.retryAfterS} s`,
        );
      }
    }
    // The guard's views point into `frame`, which ws reuses: copy if held.
    if (this.guard.counts.auth > before.auth)
      return this.startAttempt([Buffer.concat(result.bytes)]);
    this.host.writeUp(result.bytes);
  }

  /**
   * docs/security.md #65: an AUTH spends the same allowance as a POP3 login
   * before it reaches the server; past it the session ends, nothing sent.
   */
  private startAttempt(out: Uint8Array[]): void {
    if (!this.host.isOpen) return;
    const { ip, target, deps } = this.host;
    const user = this.guard.identity.user;
    const verdict = deps.throttle.startAttempt(
      ip,
      target.id,
      user === undefined ? undefined : accountKey(user),
    );
    if (verdict.ok === 'wait') return this.host.hold(verdict.waitMs, () => this.startAttempt(out));
    if (!verdict.ok)
      return this.host.fail('GATEWAY_BANNED', `retry after ${verdict.retryAfterS} s`);
    this.attempts.push(verdict.attempt);
    this.host.writeUp(out);
  }

  /** The guard reads the greeting as the first reply it awaits. */
  greet(greeting: Uint8Array): void {
    this.onServerBytes(greeting);
  }

  /** Server bytes; `chunk` is a reused view (the guard copies what it keeps). */
  onServerBytes(chunk: Uint8Array): void {
    const { bytes, events, error } = this.guard.receive(chunk);
    // What the server said reaches the browser before any ban it causes.
    for (const part of bytes) this.host.pushDown(part);
    for (const event of events) this.onEvent(event);
    if (error) this.host.fail(error.code, error.message);
  }

  private onEvent(event: SmtpGuardEvent): void {
    const { sid, ip, target, deps } = this.host;
    if (event.kind === 'message') {
      logMessage(deps.logger, {
        sid,
        ip,
        target: target.id,
        recipients: event.recipients,
        size: event.size,
        result: event.isAccepted ? 'accepted' : 'refused',
        replyCode: event.replyCode,
      });
      return;
    }
    if (event.user) {
      this.user = event.user;
      this.host.setUser(event.user);
    }
    const attempt = this.attempts.shift();
    if (!attempt) return;
    if (event.user && attempt.account === undefined) attempt.account = accountKey(event.user);
    if (event.kind === 'authenticated') return deps.throttle.settle(attempt, 'ok');
    // The same fail2ban line and metric as a failed POP3 login.
    deps.metrics.authFailed(target.id);
    logAuthFailure(deps.logger, { sid, ip, target: target.id, user: event.user, verb: 'AUTH' });
    deps.throttle.settle(attempt, 'failed');
  }

  /** A ban was decided: a session still signing in from that address or as that account ends. */
  onBan(ban: Ban): void {
    if (this.guard.isAuthenticated || !this.host.isOpen) return;
    const { ip, target, deps } = this.host;
    const account = this.user === undefined ? undefined : accountKey(this.user);
    const isHit =
      ban.kind === 'address'
        ? addressKey(ip) === ban.address
        : ban.target === target.id &&
          ban.account === account &&
          !deps.throttle.maySignIn(ip, target.id, account);
    if (isHit) this.host.fail('GATEWAY_BANNED', 'banned while signing in');
  }

  /** The session ended: an unanswered attempt counts unless the server side ended it. */
  finish(isServerSide: boolean): void {
    for (const attempt of this.attempts.splice(0)) {
      this.host.deps.throttle.settle(attempt, isServerSide ? 'neutral' : 'failed');
    }
  }
}
