// The SMTP submission client session (RFC 5321, RFC 6409): greeting, EHLO,
// AUTH, then MAIL/RCPT/DATA, pipelined as one write when the server offers
// PIPELINING (RFC 2920). Runs over an abstract transport; knows nothing of
// TLS (implicit on 465 as RFC 8314 prefers, or STARTTLS done by the gateway),
// sockets or WebSockets.

import { authenticate, type SmtpLoginOptions } from './auth.ts';
import { encodeCommand, redactCommand, type SmtpCommand } from './command.ts';
import { parseEhlo, type EhloCapabilities } from './ehlo.ts';
import { localError, SmtpReplyError, type SmtpError, type SmtpErrorCode } from './errors.ts';
import type { SmtpReply } from './reply-parser.ts';
import { replyText } from './reply-parser.ts';
import { SmtpReplyQueue, type SmtpQueueOptions, type SmtpTransport } from './reply-queue.ts';
import type { SaslCredentials } from './sasl.ts';
import { sendMessage, type Envelope, type SendOptions, type SendResult } from './transaction.ts';

export type { SmtpTransport } from './reply-queue.ts';

export type SmtpSessionState = 'greeting' | 'ready' | 'authenticated' | 'closed';

export interface SmtpSessionOptions extends SmtpQueueOptions {
  /** 'off' for servers known to advertise PIPELINING and then break it. */
  pipelining?: 'auto' | 'off';
}

/** The person-facing meaning of a negative reply (RFC 5321 §4.2.1, §4.2.2; RFC 3463). */
export function replyErrorCode(reply: SmtpReply): SmtpErrorCode {
  const { code, enhanced } = reply;
  // RFC 4954 §6: 535 5.7.8 is "authentication credentials invalid".
  if (code === 535 || enhanced === '5.7.8') return 'SMTP_AUTH_FAILED';
  // RFC 1870 §6.1 and RFC 3463 §3.4 (5.3.4) / §3.3 (5.2.3): message too big.
  if (code === 552 || enhanced === '5.3.4' || enhanced === '5.2.3') return 'SMTP_TOO_LARGE';
  if (code >= 400 && code < 500) return 'SMTP_BUSY';
  return 'SMTP_REPLY';
}

/**
 * An SMTP session over a transport. Feed it bytes with receive(); call
 * transportClosed() when the connection ends.
 */
export class SmtpSession {
  /** The 220 greeting; rejects with SMTP_BUSY for 554/421 (RFC 5321 §3.1). */
  readonly greeting: Promise<SmtpReply>;
  private currentState: SmtpSessionState = 'greeting';
  private readonly queue: SmtpReplyQueue;
  private caps: EhloCapabilities | undefined;
  private isQuitting = false;

  constructor(
    transport: SmtpTransport,
    private readonly options: SmtpSessionOptions = {},
  ) {
    this.queue = new SmtpReplyQueue(transport, {
      ...options,
      onClose: () => {
        this.currentState = 'closed';
        options.onClose?.();
      },
    });
    this.greeting = this.queue.expectReply().then((reply) => {
      if (reply.code !== 220) {
        const text = replyText(reply);
        const summary = { code: reply.code, enhanced: reply.enhanced, text };
        const message = `the server refused the session: ${reply.code} ${text}`.trim();
        const error = new SmtpReplyError('SMTP_BUSY', message, 'greeting', summary);
        this.queue.close(error);
        throw error;
      }
      this.currentState = 'ready';
      return reply;
    });
    // An unobserved rejection here is reported through the first command instead.
    this.greeting.catch(() => undefined);
  }

  get state(): SmtpSessionState {
    return this.currentState;
  }

  /** Why the session ended, once it has (protocol error, timeout, 421). */
  get closeReason(): SmtpError | undefined {
    return this.queue.closeReason;
  }

  /** What the last EHLO reply offered; undefined before EHLO. */
  get capabilities(): EhloCapabilities | undefined {
    return this.caps;
  }

  /** Whether a group of commands may leave in one write (RFC 2920 §3). */
  get isPipelining(): boolean {
    return this.options.pipelining !== 'off' && this.caps?.pipelining === true;
  }

  receive(bytes: Uint8Array): void {
    this.queue.receive(bytes);
  }

  /** The connection ended; everything pending fails with SMTP_CLOSED. */
  transportClosed(cause?: unknown): void {
    const isQuitDone = this.isQuitting && this.queue.pendingCount === 0;
    this.queue.close(
      isQuitDone
        ? undefined
        : localError('SMTP_CLOSED', 'the connection to the SMTP server closed', { cause }),
    );
  }

  /** EHLO (RFC 5321 §4.1.1.1); the domain names this client, e.g. the gateway's host. */
  async ehlo(domain: string): Promise<EhloCapabilities> {
    await this.greeting;
    const command: SmtpCommand = { verb: 'EHLO', domain };
    const reply = await this.exchange(command);
    if (reply.code !== 250) throw this.replyError(command, reply);
    this.caps = parseEhlo(reply);
    return this.caps;
  }

  /** AUTH with the best mechanism both sides support; resolves to its name. */
  async login(credentials: SaslCredentials, options: SmtpLoginOptions = {}): Promise<string> {
    const caps = this.requireCaps();
    const mechanism = await authenticate(this, caps, credentials, options);
    this.currentState = 'authenticated';
    return mechanism;
  }

  /**
   * One message: MAIL, RCPT for each recipient, DATA, the dot-stuffed body.
   * Checks SIZE, 8BITMIME and SMTPUTF8 before anything is written. Rejects
   * with SmtpRecipientError naming each refused recipient, SMTP_TOO_LARGE,
   * SMTP_BUSY (4xx) or SMTP_REPLY.
   */
  async send(envelope: Envelope, options: SendOptions = {}): Promise<SendResult> {
    return await sendMessage(
      {
        caps: this.requireCaps(),
        isPipelining: this.isPipelining,
        exchange: (command) => this.exchange(command),
        group: (commands, context) =>
          this.queue.sendGroup(commands.map((command) => encodeCommand(command, context))),
        write: (bytes) => this.queue.write(bytes),
        expectReply: () => this.queue.expectReply(),
        abort: (error) => this.queue.close(error),
        replyError: (command, reply, code) => this.replyError(command, reply, code),
      },
      envelope,
      options,
    );
  }

  async rset(): Promise<void> {
    await this.request({ verb: 'RSET' });
  }

  async noop(): Promise<void> {
    await this.request({ verb: 'NOOP' });
  }

  /** QUIT (RFC 5321 §4.1.1.10), then close. */
  async quit(): Promise<void> {
    this.isQuitting = true;
    try {
      await this.request({ verb: 'QUIT' });
    } finally {
      this.queue.close();
    }
  }

  /** Send one command and resolve with its reply, whatever the code. Used by auth. */
  exchange(command: SmtpCommand): Promise<SmtpReply> {
    let bytes: Uint8Array;
    try {
      bytes = encodeCommand(command, { extensions: this.caps });
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return this.queue.send(bytes);
  }

  /** A typed error for a negative reply; the command is redacted. */
  replyError(command: SmtpCommand, reply: SmtpReply, code = replyErrorCode(reply)): SmtpReplyError {
    const shown = redactCommand(command);
    const text = replyText(reply);
    const summary = { code: reply.code, enhanced: reply.enhanced, text };
    return new SmtpReplyError(
      code,
      `${shown} failed: ${reply.code} ${text}`.trim(),
      shown,
      summary,
    );
  }

  private async request(command: SmtpCommand): Promise<SmtpReply> {
    const reply = await this.exchange(command);
    const ok = command.verb === 'QUIT' ? reply.code === 221 : reply.code === 250;
    if (!ok) throw this.replyError(command, reply);
    return reply;
  }

  private requireCaps(): EhloCapabilities {
    if (!this.caps) throw localError('SMTP_WRONG_STATE', 'EHLO first');
    return this.caps;
  }
}
