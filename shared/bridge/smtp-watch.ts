// Follows the submission server's replies for the SMTP guard, with the SMTP
// codec's reply parser: each reply is matched to the line that asked for it,
// and the few that change what the browser may send next (EHLO, 334/235/535
// to AUTH, 354 to DATA, the end of a message) are told to the guard. Pure;
// it sees reply codes and counts, never an address or content.

import { bridgeError, type BridgeError } from './errors.ts';
import { formatEhloReply, parseEhlo, type EhloCapabilities } from '../smtp/ehlo.ts';
import { SmtpReplyParser, type SmtpReply } from '../smtp/reply-parser.ts';

export type SmtpGuardEvent =
  /** 535 (RFC 4954 §6, 5.7.8): wrong credentials; counts toward the login throttle. */
  | { kind: 'auth-failed'; verb: 'AUTH'; mechanism: string; user?: string; replyCode: number }
  | { kind: 'authenticated'; verb: 'AUTH'; mechanism: string; user?: string }
  /** The reply to the end of a message, for the log line. */
  | { kind: 'message'; isAccepted: boolean; recipients: number; size: number; replyCode: number };

export interface SmtpWatchResult {
  /** The server bytes to hand to the browser, in order (an EHLO reply rewritten). */
  bytes: Uint8Array[];
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
  /** The largest message the guard lets through, announced as SIZE. */
  readonly messageCap: number;
}

/**
 * Keywords the browser is not offered because the guard refuses what they
 * announce: BDAT (RFC 3030 CHUNKING, BINARYMIME), STARTTLS (the gateway's own
 * business, RFC 3207), DSN parameters (RFC 3461), and relay controls.
 */
const HIDDEN = new Set([
  'CHUNKING',
  'BINARYMIME',
  'STARTTLS',
  'DSN',
  'XCLIENT',
  'XFORWARD',
  'ETRN',
  'ATRN',
  'TURN',
  'VRFY',
  'EXPN',
]);
const LF = 0x0a;

/** Limits while following replies: an EHLO reply is the longest, a few dozen lines. */
const WATCH_LIMITS = { maxLine: 4 * 1024, maxLines: 256 };

export class SmtpReplyWatch {
  private readonly steps: WatchStep[] = ['greeting'];
  private events: SmtpGuardEvent[] = [];
  private failure: BridgeError | undefined;
  /** Raw bytes of an EHLO reply held back until it is complete. */
  private held: Uint8Array[] | undefined;
  /** The rewritten EHLO reply, once its last line arrived. */
  private ehloOut: Uint8Array | undefined;
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
    if (this.failure) return { bytes: [], events: [], error: this.failure };
    const out: Uint8Array[] = [];
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- parser.push() in the loop runs the callbacks that set failure
    for (let pos = 0; pos < bytes.length && !this.failure;) {
      // Line by line, so the end of each reply is known in the raw bytes.
      const lf = bytes.indexOf(LF, pos);
      const segment = bytes.subarray(pos, lf < 0 ? bytes.length : lf + 1);
      pos += segment.length;
      const isHeld =
        this.held !== undefined || (!this.parser.isMidReply && this.steps[0] === 'EHLO');
      if (isHeld) (this.held ??= []).push(segment.slice());
      this.parser.push(segment);
      if (!isHeld) {
        out.push(segment);
        continue;
      }
      if (this.ehloOut) {
        out.push(this.ehloOut);
        this.held = undefined;
        this.ehloOut = undefined;
      }
    }
    const events = this.events;
    this.events = [];
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- parser.push() in the loop runs the callbacks that set failure
    return this.failure ? { bytes: [], events, error: this.failure } : { bytes: out, events };
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
        this.ehloOut =
          code === 250
            ? formatEhloReply(reply, { hide: HIDDEN, size: this.guard.messageCap })
            : concatHeld(this.held ?? []);
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

function concatHeld(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
