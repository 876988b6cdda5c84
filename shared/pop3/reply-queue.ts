// Matches POP3 replies to the commands that asked for them: encodes and
// coalesces writes, feeds the reply parser, holds commands back when the
// server may not pipeline, and fails everything at once when the stream breaks
// or stalls. Knows no POP3 state and no command's meaning beyond its shape.

import { concatBytes } from './bytes.ts';
import { encodeCommand, redactCommand, replyShape, type Pop3Command } from './command.ts';
import {
  localError,
  type Pop3Error,
  type Pop3ErrorCode,
  Pop3ProtocolError,
  Pop3ReplyError,
} from './errors.ts';
import type { QueueLimits } from './limits.ts';
import { ReplyParser } from './reply-parser.ts';
import type { StatusLine } from './status.ts';

/** What the session needs from a connection. receive() takes ownership of the bytes it is given. */
export interface Pop3Transport {
  write(bytes: Uint8Array): void;
  close(): void;
}

export interface Reply {
  status: StatusLine;
  body: Uint8Array | undefined;
}

/**
 * What a reply answers: a command, or the greeting (RFC 1939 §4), which
 * nobody sent and which must never be reported as a command that failed.
 */
export type Asked = Pop3Command | 'greeting';

/** The typed error for an `-ERR` reply; the command is redacted. */
export function replyError(asked: Asked, reply: Reply, code: Pop3ErrorCode): Pop3ReplyError {
  const status = reply.status;
  const responseCode = status.kind === 'continue' ? undefined : status.responseCode;
  const text = status.text || '-ERR';
  if (asked === 'greeting') {
    return new Pop3ReplyError(
      code,
      `the server refused the session in its greeting: ${text}`,
      'greeting',
      responseCode,
      status.text,
    );
  }
  const shown = redactCommand(asked);
  return new Pop3ReplyError(code, `${shown} failed: ${text}`, shown, responseCode, status.text);
}

export interface ReplyQueueOptions {
  limits: QueueLimits;
  /** Fail when a reply is awaited and no byte arrives for this long; 0 disables. */
  replyTimeoutMs: number;
  /** Whether commands may be written before earlier replies arrive (RFC 2449 §6.6). */
  canPipeline: () => boolean;
  /** Called once, when the queue closes for any reason. */
  onClose: () => void;
}

interface Pending<A extends Asked = Asked> {
  asked: A;
  maxBytes: number;
  status: StatusLine | undefined;
  chunks: Uint8Array[];
  /** Sees each body chunk as it arrives (progress, streaming). */
  observe: ((chunk: Uint8Array) => void) | undefined;
  /** Keep the chunks to resolve with the whole body; false when streaming. */
  isCollected: boolean;
  resolve: (reply: Reply) => void;
  reject: (error: unknown) => void;
}

/** The queue of one POP3 connection. */
export class ReplyQueue {
  private readonly parser: ReplyParser;
  private readonly inFlight: Pending[] = [];
  private inFlightHead = 0;
  private readonly waiting: Pending<Pop3Command>[] = [];
  private outbox: Uint8Array[] = [];
  private isFlushScheduled = false;
  private timer: unknown;
  private pipeliningBroken = false;
  private closeError: Pop3Error | undefined;

  constructor(
    private readonly transport: Pop3Transport,
    private readonly options: ReplyQueueOptions,
  ) {
    this.parser = new ReplyParser(
      {
        onStatus: (status) => this.onStatus(status),
        onData: (chunk) => this.onData(chunk),
        onEnd: () => this.onEnd(),
        onError: (error) => this.fail(error),
      },
      options.limits,
    );
  }

  /** True once a pipelined batch came back out of step or stalled. */
  get isPipeliningBroken(): boolean {
    return this.pipeliningBroken;
  }

  /** Why the queue closed (a protocol error, a timeout, POP3_CLOSED); undefined while open. */
  get closeReason(): Pop3Error | undefined {
    return this.closeError;
  }

  /** Commands sent or held back, not yet answered. */
  get pendingCount(): number {
    return this.inFlightCount() + this.waiting.length;
  }

  /** The greeting: a reply nobody asked for, expected first. */
  greeting(): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      this.parser.expect('greeting');
      this.inFlight.push(this.pending('greeting', undefined, undefined, true, resolve, reject));
      this.armTimer();
    });
  }

  /** Send a command and resolve with its reply, `-ERR` included. */
  exchange(
    command: Pop3Command,
    maxBytes?: number,
    observe?: (chunk: Uint8Array) => void,
    isCollected = true,
  ): Promise<Reply> {
    if (this.closeError) return Promise.reject(this.closeError);
    if (this.pendingCount >= this.options.limits.maxQueue) {
      return Promise.reject(localError('POP3_QUEUE_FULL', 'too many commands awaiting replies'));
    }
    return new Promise<Reply>((resolve, reject) => {
      const pending = this.pending(command, maxBytes, observe, isCollected, resolve, reject);
      let bytes: Uint8Array;
      try {
        bytes = encodeCommand(command);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (this.inFlightCount() > 0 && !this.options.canPipeline()) {
        this.waiting.push(pending);
        return;
      }
      this.send(pending, bytes);
    });
  }

  /** Bytes from the server. */
  receive(bytes: Uint8Array): void {
    if (this.closeError) return;
    this.armTimer();
    this.parser.push(bytes);
  }

  /** Fail everything pending with `error` and close the transport. */
  close(error: Pop3Error = localError('POP3_CLOSED', 'the session is closed')): void {
    if (this.closeError) return;
    this.closeError = error;
    this.disarmTimer();
    const pending = [...this.inFlight.slice(this.inFlightHead), ...this.waiting];
    this.inFlight.length = 0;
    this.inFlightHead = 0;
    this.waiting.length = 0;
    for (const entry of pending) entry.reject(error);
    this.transport.close();
    this.options.onClose();
  }

  private pending<A extends Asked>(
    asked: A,
    maxBytes: number | undefined,
    observe: ((chunk: Uint8Array) => void) | undefined,
    isCollected: boolean,
    resolve: (reply: Reply) => void,
    reject: (error: unknown) => void,
  ): Pending<A> {
    const limit = maxBytes ?? this.options.limits.maxListingBytes;
    return {
      asked,
      maxBytes: limit,
      status: undefined,
      chunks: [],
      observe,
      isCollected,
      resolve,
      reject,
    };
  }

  private send(pending: Pending<Pop3Command>, bytes: Uint8Array): void {
    this.parser.expect(replyShape(pending.asked), pending.maxBytes);
    this.inFlight.push(pending);
    this.outbox.push(bytes);
    this.armTimer();
    // Coalesce commands queued in the same tick into one write: 10,000 TOPs
    // leave as a few large writes, not 10,000 small ones.
    if (!this.isFlushScheduled) {
      this.isFlushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.isFlushScheduled = false;
    if (this.outbox.length === 0 || this.closeError) return;
    const bytes = concatBytes(this.outbox);
    this.outbox = [];
    this.transport.write(bytes);
  }

  private onStatus(status: StatusLine): void {
    const pending = this.inFlight[this.inFlightHead];
    if (pending) pending.status = status;
  }

  private onData(chunk: Uint8Array): void {
    const pending = this.inFlight[this.inFlightHead];
    if (!pending) return;
    pending.observe?.(chunk);
    if (pending.isCollected) pending.chunks.push(chunk);
  }

  private onEnd(): void {
    const pending = this.inFlight[this.inFlightHead];
    if (!pending?.status) return;
    this.inFlight[this.inFlightHead] = undefined as unknown as Pending;
    this.inFlightHead++;
    if (this.inFlightHead === this.inFlight.length) {
      this.inFlight.length = 0;
      this.inFlightHead = 0;
    }
    const isMulti =
      pending.status.kind === 'ok' &&
      pending.asked !== 'greeting' &&
      replyShape(pending.asked) === 'multi';
    const body = isMulti && pending.isCollected ? concatBytes(pending.chunks) : undefined;
    pending.chunks = [];
    if (this.inFlightCount() === 0) this.disarmTimer();
    pending.resolve({ status: pending.status, body });
    const next = this.waiting.shift();
    if (next) this.send(next, encodeCommand(next.asked));
  }

  private fail(error: Pop3Error): void {
    // Several commands in flight and the stream broke: the server's PIPELINING
    // claim did not hold. Callers reconnect without it.
    if (this.inFlightCount() > 1 && error instanceof Pop3ProtocolError) {
      this.pipeliningBroken = true;
      this.close(
        new Pop3ProtocolError(
          'POP3_PIPELINING_BROKEN',
          `pipelined replies came back out of step: ${error.message}`,
          { cause: error },
        ),
      );
      return;
    }
    this.close(error);
  }

  private armTimer(): void {
    const timeout = this.options.replyTimeoutMs;
    if (timeout <= 0) return;
    this.disarmTimer();
    if (this.inFlightCount() === 0) return;
    this.timer = setTimeout(() => {
      // Servers exist that read one command per packet and drop the rest of
      // a pipelined batch: a stall with several commands out says so.
      if (this.inFlightCount() > 1 && this.options.canPipeline()) this.pipeliningBroken = true;
      this.close(localError('POP3_TIMEOUT', `no reply from the POP3 server for ${timeout} ms`));
    }, timeout);
  }

  private disarmTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer as never);
    this.timer = undefined;
  }

  private inFlightCount(): number {
    return this.inFlight.length - this.inFlightHead;
  }
}
