// Decides which browser bytes may go to the submission server, and follows
// the server's replies to know what the next bytes are: commands, a SASL
// response after 334 (RFC 4954 §4), or message data after 354 (RFC 5321
// §4.1.1.4). Uses the SMTP codec's own parsers, so the gateway reads every
// line and the end of every message exactly as the codec writes them. Pure;
// never turns a secret, an address or message content into a message.
//
// Fail closed: a refused frame forwards nothing, not even its good lines, and
// the guard latches. Refused in the middle of a message, the relay must close
// the upstream connection: a message cut short is never delivered (RFC 5321
// §4.1.1.4), so what went before cannot reach anyone.

import { saslUserName } from './sasl-user.ts';
import { bridgeError, type BridgeError, type BridgeErrorCode } from './errors.ts';
import { parseCommandLine } from '../smtp/command.ts';
import { SmtpLineFramer } from './smtp-lines.ts';
import type { EhloCapabilities } from '../smtp/ehlo.ts';
import { EndOfDataScanner } from '../smtp/end-of-data.ts';
import { localError, type SmtpError, type SmtpErrorCode } from '../smtp/errors.ts';
import { SmtpReplyWatch, type SmtpWatchResult, type WatchedGuard } from './smtp-watch.ts';

export type { SmtpGuardEvent, SmtpWatchResult } from './smtp-watch.ts';

/** Every refusal carries a stable BRIDGE_* or SMTP_* code. */
export type SmtpGuardError = BridgeError | SmtpError;

export type SmtpGuardResult =
  { bytes: Uint8Array[]; error?: undefined } | { error: SmtpGuardError };

export interface SmtpGuardLimits {
  /** RCPT lines per message (a setting; RFC 5321 §4.5.3.1.8 requires servers to take 100). */
  maxRecipients: number;
  /** Message octets (a setting), lowered further by the server's SIZE (RFC 1870). */
  maxMessageBytes: number;
  /** RFC 5321 §4.5.3.1.6. */
  maxDataLine: number;
  /** Commands awaiting a reply: pipelining must not grow memory without end. */
  maxPending: number;
}

export const DEFAULT_SMTP_GUARD_LIMITS: SmtpGuardLimits = {
  maxRecipients: 100,
  maxMessageBytes: 25 * 1024 * 1024,
  maxDataLine: 1000,
  maxPending: 256,
};

/** Browser verbs let through; never VRFY, EXPN, ETRN, TURN, XCLIENT, BDAT, STARTTLS, HELO. */
const ALLOWED = new Set(['EHLO', 'AUTH', 'MAIL', 'RCPT', 'DATA', 'RSET', 'NOOP', 'QUIT']);
/** Shown in errors: upper-case protocol words, never a typed-in secret. */
const SAFE_VERB = /^[A-Za-z]{1,10}$/;

type Mode = 'command' | 'await-auth' | 'sasl' | 'await-data' | 'data' | 'quit';

/** One browser↔server SMTP session. Latched: after an error every call returns it. */
export class SmtpGuard implements WatchedGuard {
  private readonly limits: SmtpGuardLimits;
  private mode: Mode = 'command';
  private readonly framer = new SmtpLineFramer();
  private extensions: EhloCapabilities | undefined;
  private authenticated = false;
  private mechanism = '';
  private user: string | undefined;
  private isFirstSaslResponse = false;
  private recipients = 0;
  private hasMail = false;
  private isUtf8 = false;
  private scanner: EndOfDataScanner | undefined;
  private failure: SmtpGuardError | undefined;
  private readonly watch = new SmtpReplyWatch(this);
  /** Recipients and octets of the message whose end was sent last. */
  lastMessage = { recipients: 0, size: 0 };
  /**
   * AUTH and MAIL commands let through so far: the relay compares them
   * around push() to count a login attempt and a message against its limits
   * before the frame is forwarded.
   */
  readonly counts = { auth: 0, mail: 0 };

  constructor(limits: Partial<SmtpGuardLimits> = {}) {
    this.limits = { ...DEFAULT_SMTP_GUARD_LIMITS, ...limits };
  }

  get isAuthenticated(): boolean {
    return this.authenticated;
  }

  /** QUIT was let through: the server's hang-up that follows is the normal end. */
  get hasQuit(): boolean {
    return this.mode === 'quit';
  }

  get error(): SmtpGuardError | undefined {
    return this.failure;
  }

  /**
   * Feed one browser frame; returns the bytes to forward, in order (views
   * into `bytes`: forward them before the buffer is reused), or an error.
   */
  push(bytes: Uint8Array): SmtpGuardResult {
    if (this.failure) return { error: this.failure };
    const out: Uint8Array[] = [];
    let pos = 0;
    while (pos < bytes.length) {
      if (this.mode === 'data') {
        // onDataReply() sets the scanner whenever it enters 'data'.
        const scanned = (this.scanner ??= this.newScanner()).push(bytes.subarray(pos));
        if (scanned.error) return { error: this.latch(scanned.error) };
        const end = scanned.end < 0 ? bytes.length : pos + scanned.end;
        out.push(bytes.subarray(pos, end));
        pos = end;
        if (scanned.end >= 0) this.endOfData();
        continue;
      }
      if (this.mode !== 'command' && this.mode !== 'sasl') {
        // The next bytes mean different things by the reply still to come
        // (334 or 235, 354 or 554): wait for it rather than guess.
        const awaited = { 'await-auth': 'AUTH', 'await-data': 'DATA', quit: 'QUIT' }[this.mode];
        return this.fail('SMTP_OUT_OF_TURN', `bytes sent before the reply to ${awaited}`);
      }
      const framed = this.framer.next(bytes, pos, this.mode === 'sasl');
      if (framed.error) return { error: this.latch(framed.error) };
      pos = framed.next;
      if (!framed.line) break;
      const refused = this.checkLine(framed.line.text);
      if (refused) return { error: this.latch(refused) };
      out.push(framed.line.bytes);
    }
    return { bytes: out };
  }

  /**
   * Feed server bytes; returns what to hand to the browser: the same bytes,
   * except an EHLO reply, held until complete and re-encoded without what the
   * guard refuses (BDAT, STARTTLS, DSN, …) and with SIZE lowered to the cap.
   */
  receive(bytes: Uint8Array): SmtpWatchResult | { bytes: []; events: []; error: SmtpGuardError } {
    if (this.failure) return { bytes: [], events: [], error: this.failure };
    const result = this.watch.receive(bytes);
    if (result.error) this.latch(result.error);
    return result;
  }

  get identity(): { mechanism: string; user?: string } {
    return { mechanism: this.mechanism, ...(this.user ? { user: this.user } : {}) };
  }

  onEhlo(caps: EhloCapabilities): void {
    this.extensions = caps;
  }

  onAuthReply(outcome: 'challenge' | 'success' | 'failure'): void {
    if (this.mode !== 'await-auth') return;
    this.mode = outcome === 'challenge' ? 'sasl' : 'command';
    if (outcome === 'success') this.authenticated = true;
  }

  onDataReply(isOpen: boolean): void {
    if (this.mode !== 'await-data') return;
    this.mode = isOpen ? 'data' : 'command';
    if (isOpen) this.scanner = this.newScanner();
  }

  private checkLine(text: string): SmtpGuardError | undefined {
    if (this.watch.pendingCount >= this.limits.maxPending) {
      return rejected(`more than ${this.limits.maxPending} commands awaiting a reply`);
    }
    return this.mode === 'sasl' ? this.checkSasl(text) : this.checkCommand(text);
  }

  private checkSasl(text: string): SmtpGuardError | undefined {
    const command = parseCommandLine(text, { isSaslResponse: true });
    if (command instanceof Error) return rejected('SASL response is not base64');
    if (this.isFirstSaslResponse) this.user ??= saslUserName(this.mechanism, text);
    this.isFirstSaslResponse = false;
    this.mode = 'await-auth';
    this.watch.sent(text === '*' ? 'SASL-CANCEL' : 'AUTH');
    return undefined;
  }

  private checkCommand(text: string): SmtpGuardError | undefined {
    const word = text.split(' ', 1)[0] ?? '';
    const verb = word.toUpperCase();
    if (!ALLOWED.has(verb)) {
      const shown = SAFE_VERB.test(word) ? ` ${verb}` : '';
      return bridgeError('BRIDGE_VERB_FORBIDDEN', `command${shown} is not allowed`);
    }
    const command = parseCommandLine(text, {
      extensions: this.extensions,
      utf8Transaction: this.isUtf8,
    });
    if (command instanceof Error) return rejected(`malformed ${verb}: ${command.code}`);
    switch (command.verb) {
      case 'AUTH':
        // RFC 4954 §4: not after a successful AUTH, not inside a transaction.
        if (this.authenticated || this.hasMail) return rejected('AUTH is not allowed now');
        this.mechanism = command.mechanism;
        this.user = command.initialResponse
          ? saslUserName(command.mechanism, command.initialResponse)
          : undefined;
        this.isFirstSaslResponse = command.initialResponse === undefined;
        this.mode = 'await-auth';
        this.counts.auth++;
        this.watch.sent('AUTH');
        return undefined;
      case 'MAIL': {
        if (!this.authenticated)
          return refusal('SMTP_MAIL_BEFORE_AUTH', 'MAIL before a successful AUTH');
        if ((command.size ?? 0) > this.messageCap) {
          return refusal('SMTP_TOO_LARGE', `the message is over ${this.messageCap} octets`);
        }
        this.hasMail = true;
        this.isUtf8 = command.smtpUtf8 === true;
        this.counts.mail++;
        this.watch.sent('OTHER');
        return undefined;
      }
      case 'RCPT':
        if (!this.authenticated)
          return refusal('SMTP_MAIL_BEFORE_AUTH', 'RCPT before a successful AUTH');
        if (!this.hasMail) return rejected('RCPT before MAIL');
        if (this.recipients >= this.limits.maxRecipients) {
          return refusal(
            'SMTP_TOO_MANY_RECIPIENTS',
            `more than ${this.limits.maxRecipients} recipients`,
          );
        }
        this.recipients++;
        this.watch.sent('OTHER');
        return undefined;
      case 'DATA':
        if (!this.authenticated)
          return refusal('SMTP_MAIL_BEFORE_AUTH', 'DATA before a successful AUTH');
        if (!this.hasMail || this.recipients === 0) return rejected('DATA before MAIL and RCPT');
        this.mode = 'await-data';
        this.watch.sent('DATA');
        return undefined;
      case 'EHLO':
      case 'RSET':
        // RFC 5321 §4.1.4, §4.1.1.5: both end any transaction.
        this.resetTransaction();
        this.watch.sent(command.verb === 'EHLO' ? 'EHLO' : 'OTHER');
        return undefined;
      case 'QUIT':
        this.mode = 'quit';
        this.watch.sent('OTHER');
        return undefined;
      default:
        this.watch.sent('OTHER');
        return undefined;
    }
  }

  /** The setting, lowered by the server's SIZE (RFC 1870 §4); announced to the browser. */
  get messageCap(): number {
    const serverSize = this.extensions?.size;
    const cap = this.limits.maxMessageBytes;
    return serverSize !== undefined && serverSize > 0 ? Math.min(cap, serverSize) : cap;
  }

  private newScanner(): EndOfDataScanner {
    return new EndOfDataScanner({ maxLine: this.limits.maxDataLine, maxBytes: this.messageCap });
  }

  private resetTransaction(): void {
    this.hasMail = false;
    this.isUtf8 = false;
    this.recipients = 0;
  }

  private endOfData(): void {
    this.lastMessage = { recipients: this.recipients, size: this.scanner?.messageBytes ?? 0 };
    this.scanner = undefined;
    this.resetTransaction();
    this.mode = 'command';
    this.watch.sent('END');
  }

  private fail(code: SmtpErrorCode, message: string): SmtpGuardResult {
    return { error: this.latch(localError(code, message)) };
  }

  private latch(error: SmtpGuardError): SmtpGuardError {
    this.failure ??= error;
    return this.failure;
  }
}

function rejected(message: string, code: BridgeErrorCode = 'BRIDGE_LINE_REJECTED'): BridgeError {
  return bridgeError(code, message);
}

function refusal(code: SmtpErrorCode, message: string): SmtpError {
  return localError(code, message);
}
