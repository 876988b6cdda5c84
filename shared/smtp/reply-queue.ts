// Matches SMTP replies to what asked for them (the greeting, each command, the
// end of a message), writes a pipelined group as one write (RFC 2920 §3.1),
// and fails everything at once when the stream breaks or stalls. Knows no
// SMTP state and no command's meaning.

import { localError, protocolError, type SmtpError } from './errors.ts';
import {
  DEFAULT_SMTP_PARSER_LIMITS,
  SmtpReplyParser,
  type SmtpParserLimits,
  type SmtpReply,
} from './reply-parser.ts';

/**
 * What the session needs from a connection. A write may return a promise
 * that settles when the bytes are handed on (backpressure for large bodies).
 */
export interface SmtpTransport {
  write(bytes: Uint8Array): void | Promise<void>;
  close(): void;
}

export interface SmtpQueueOptions {
  limits?: SmtpParserLimits;
  /** Fail when a reply is awaited and no byte arrives for this long; 0 disables. */
  replyTimeoutMs?: number;
  /** Called once, when the queue closes for any reason. */
  onClose?: () => void;
}

interface Pending {
  resolve: (reply: SmtpReply) => void;
  reject: (error: unknown) => void;
}

/** Most replies awaited at once: a pipelined group is MAIL, the RCPTs and DATA. */
export const MAX_PENDING_REPLIES = 1024;

/** The reply queue of one SMTP connection. */
export class SmtpReplyQueue {
  private readonly parser: SmtpReplyParser;
  private readonly pending: Pending[] = [];
  private timer: unknown;
  private closeError: SmtpError | undefined;

  constructor(
    private readonly transport: SmtpTransport,
    private readonly options: SmtpQueueOptions = {},
  ) {
    this.parser = new SmtpReplyParser(
      { onReply: (reply) => this.onReply(reply), onError: (error) => this.close(error) },
      options.limits ?? DEFAULT_SMTP_PARSER_LIMITS,
    );
  }

  get isClosed(): boolean {
    return this.closeError !== undefined;
  }

  /** Why the queue closed (a protocol error, a timeout, SMTP_CLOSED); undefined while open. */
  get closeReason(): SmtpError | undefined {
    return this.closeError;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** The next reply, without writing anything: the greeting, or the reply to the end of data. */
  expectReply(): Promise<SmtpReply> {
    if (this.closeError) return Promise.reject(this.closeError);
    if (this.pending.length >= MAX_PENDING_REPLIES) {
      return Promise.reject(localError('SMTP_WRONG_STATE', 'too many replies awaited'));
    }
    return new Promise<SmtpReply>((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.armTimer();
    });
  }

  /** One encoded command line, resolved with its reply; sendGroup() of one line. */
  send(line: Uint8Array): Promise<SmtpReply> {
    const reply = this.expectReply();
    if (!this.closeError) this.writeAll([line]);
    return reply;
  }

  /**
   * Write already-encoded command lines in ONE write and resolve each with
   * its reply, in order (RFC 2920 §3.1: a group ends with DATA or a command
   * that changes state, so the caller decides what goes together).
   */
  sendGroup(lines: readonly Uint8Array[]): Promise<SmtpReply>[] {
    const replies = lines.map(() => this.expectReply());
    if (!this.closeError) this.writeAll(lines);
    return replies;
  }

  /** Write bytes that expect no reply of their own (message data after 354). */
  async write(bytes: Uint8Array): Promise<void> {
    if (this.closeError) throw this.closeError;
    await this.transport.write(bytes);
  }

  /** Bytes from the server. */
  receive(bytes: Uint8Array): void {
    if (this.closeError) return;
    this.armTimer();
    this.parser.push(bytes);
  }

  /** Fail everything pending with `error` and close the transport. */
  close(error: SmtpError = localError('SMTP_CLOSED', 'the session is closed')): void {
    if (this.closeError) return;
    this.closeError = error;
    this.disarmTimer();
    const pending = this.pending.splice(0);
    for (const entry of pending) entry.reject(error);
    this.transport.close();
    this.options.onClose?.();
  }

  private writeAll(lines: readonly Uint8Array[]): void {
    let length = 0;
    for (const line of lines) length += line.length;
    const bytes = new Uint8Array(length);
    let offset = 0;
    for (const line of lines) {
      bytes.set(line, offset);
      offset += line.length;
    }
    try {
      const written = this.transport.write(bytes);
      if (written) written.catch((cause: unknown) => this.close(closed(cause)));
    } catch (cause) {
      // A transport that throws has not sent the group: fail its replies now.
      this.close(closed(cause));
    }
  }

  private onReply(reply: SmtpReply): void {
    const pending = this.pending.shift();
    if (!pending) {
      // RFC 5321 §3.8: a server may send 421 unasked before it closes.
      this.close(
        reply.code === 421
          ? localError('SMTP_BUSY', 'the server is closing the connection (421)')
          : protocolError(
              'SMTP_UNEXPECTED_REPLY',
              `the server sent a ${reply.code} nobody asked for`,
            ),
      );
      return;
    }
    if (this.pending.length === 0) this.disarmTimer();
    pending.resolve(reply);
  }

  private armTimer(): void {
    const timeout = this.options.replyTimeoutMs ?? 0;
    if (timeout <= 0) return;
    this.disarmTimer();
    if (this.pending.length === 0) return;
    this.timer = setTimeout(() => {
      this.close(localError('SMTP_TIMEOUT', `no reply from the SMTP server for ${timeout} ms`));
    }, timeout);
  }

  private disarmTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer as never);
    this.timer = undefined;
  }
}

function closed(cause: unknown): SmtpError {
  return localError('SMTP_CLOSED', 'the connection to the SMTP server failed', { cause });
}
