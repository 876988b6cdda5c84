// Follows the submission server's replies for the SMTP guard, with the SMTP
// codec's reply parser: each reply is matched to the line that asked for it,
// and the few that change what the browser may send next (EHLO, 334/235/535
// to AUTH, 354 to DATA, the end of a message) are told to the guard. Pure;
// it sees reply codes and counts, never an address or content.

import { bridgeError, type BridgeError } from './errors.ts';
import { parseEhlo, type EhloCapabilities } from '../smtp/ehlo.ts';
import { SmtpReplyParser, type SmtpReply } from '../smtp/reply-parser.ts';

export type SmtpGuardEvent =
  /** 535 (RFC 4954 §6, 5.7.8): wrong credentials; counts toward the login throttle. */
  | { kind: 'auth-failed'; verb: 'AUTH'; mechanism: string; user?: string; replyCode: number }
  | { kind: 'authenticated'; verb: 'AUTH'; mechanism: string; user?: string }
  /** The reply to the end of a message, for the log line. */
  | { kind: 'message'; isAccepted: boolean; recipients: number; size: number; replyCode: number };

export interface SmtpWatchResult {
  events: SmtpGuardEvent[];
  error?: BridgeError;
}

/** What a forwarded line was, as far as its reply matters. */
export type WatchStep = 'greeting' | 'EHLO' | 'AUTH' | 'SASL-CANCEL' | 'DATA' | 'END' | 'OTHER';

/** The guard's side: told what the replies decided. */
export interface WatchedGuard {
  onEhlo(caps: EhloCapabilities): void;
  onAuthReply(outcome: 'challenge' | 'success' | 'failure'): void;
  onDataReply(isOpen: boolean): void;
  /** The mechanism and the (log-safe) user of the AUTH exchange in progress. */
  readonly identity: { mechanism: string; user?: string };
  /** Recipients and octets of the message whose end was sent last. */
  readonly lastMessage: { recipients: number; size: number };
}

/** Limits while following replies: an EHLO reply is the longest, a few dozen lines. */
const WATCH_LIMITS = { maxLine: 4 * 1024, maxLines: 256 };

export class SmtpReplyWatch {
  private readonly steps: WatchStep[] = ['greeting'];
  private events: SmtpGuardEvent[] = [];
  private failure: BridgeError | undefined;
  private readonly parser = new SmtpReplyParser(
    {
      onReply: (reply) => this.onReply(reply),
      onError: (error) => {
        this.failure ??= bridgeError('BRIDGE_SERVER_PROTOCOL', `server reply: ${error.message}`);
      },
    },
    WATCH_LIMITS,
  );

  constructor(private readonly guard: WatchedGuard) {}

  /** Lines forwarded and not yet answered (the greeting counts as one). */
  get pendingCount(): number {
    return this.steps.length;
  }

  /** A line went upstream: its reply is the next one after those already awaited. */
  sent(step: WatchStep): void {
    this.steps.push(step);
  }

  /** Server bytes; events come in reply order. Latched after an error. */
  receive(bytes: Uint8Array): SmtpWatchResult {
    if (this.failure) return { events: [], error: this.failure };
    this.parser.push(bytes);
    const events = this.events;
    this.events = [];
    return this.failure ? { events, error: this.failure } : { events };
  }

  private onReply(reply: SmtpReply): void {
    const step = this.steps.shift();
    const { code } = reply;
    if (step === undefined) {
      // RFC 5321 §3.8: 421 may come unasked, just before the server closes.
      if (code !== 421) {
        this.failure ??= bridgeError('BRIDGE_SERVER_PROTOCOL', `an unasked ${code} reply`);
      }
      return;
    }
    switch (step) {
      case 'EHLO':
        if (code === 250) this.guard.onEhlo(parseEhlo(reply));
        return;
      case 'AUTH':
      case 'SASL-CANCEL':
        return this.onAuthReply(reply, step === 'SASL-CANCEL');
      case 'DATA':
        // RFC 5321 §4.1.1.4: only 354 opens the data; anything else keeps commands.
        this.guard.onDataReply(code === 354);
        return;
      case 'END':
        this.events.push({
          kind: 'message',
          isAccepted: code === 250,
          ...this.guard.lastMessage,
          replyCode: code,
        });
        return;
      default:
        return;
    }
  }

  private onAuthReply(reply: SmtpReply, isCancel: boolean): void {
    const { code } = reply;
    if (code === 334) return this.guard.onAuthReply('challenge');
    const { mechanism, user } = this.guard.identity;
    const who = { verb: 'AUTH' as const, mechanism, ...(user ? { user } : {}) };
    if (code === 235) {
      this.guard.onAuthReply('success');
      this.events.push({ kind: 'authenticated', ...who });
      return;
    }
    this.guard.onAuthReply('failure');
    // Only "credentials invalid" counts: 454 (busy), 504 and 534 (mechanism)
    // and a cancelled exchange never do.
    if ((code === 535 || reply.enhanced === '5.7.8') && !isCancel) {
      this.events.push({ kind: 'auth-failed', ...who, replyCode: code });
    }
  }
}
