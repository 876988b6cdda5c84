// Streaming POP3 reply decoder: bytes in any chunking → status lines and
// dot-unstuffed body chunks. A synchronous state machine that owns its
// leftovers; it never sees a socket, a timer or a WebSocket.

import { concatBytes, decodeText } from './bytes.ts';
import { protocolError, type Pop3ProtocolError } from './errors.ts';
import type { ReplyShape } from './command.ts';
import { DEFAULT_PARSER_LIMITS, type ParserLimits } from './limits.ts';
import { LineSplitter, withoutLineEnding } from './line-splitter.ts';
import { parseStatusLine, type StatusLine } from './status.ts';

const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;

/** Where the parser reports what it decoded. Called synchronously from push(). */
export interface ReplySink {
  /** A status line; for a multi-line `+OK` the body follows. */
  onStatus(status: StatusLine): void;
  /** Body bytes, dot-unstuffed, line endings as sent. A view into the pushed chunk. */
  onData(chunk: Uint8Array): void;
  /** The reply is complete. */
  onEnd(): void;
  /** The bytes broke the protocol; the parser has latched and ignores further input. */
  onError(error: Pop3ProtocolError): void;
}

/** The greeting is a single-line reply that nobody asked for. */
export type ExpectedShape = ReplyShape | 'greeting';

interface Expectation {
  shape: ExpectedShape;
  maxBytes: number;
}

type State = 'status' | 'body' | 'failed';

/**
 * Decodes a stream of POP3 replies. The caller announces each reply's shape
 * with expect() when it sends the command (the command decides whether a reply
 * is multi-line, never the bytes), then feeds bytes with push().
 */
export class ReplyParser {
  private state: State = 'status';
  private readonly expected: Expectation[] = [];
  private head = 0;
  /** Status lines, with the partial one carried between chunks. */
  private readonly statusLines: LineSplitter;
  /** Body: one or two bytes from a line-leading dot held back until we know what follows. */
  private heldBack: Uint8Array | undefined;
  private isAtLineStart = true;
  private bodyBytes = 0;
  private bodyLineLength = 0;

  constructor(
    private readonly sink: ReplySink,
    private readonly limits: ParserLimits = DEFAULT_PARSER_LIMITS,
  ) {
    this.statusLines = new LineSplitter({ maxLine: limits.maxStatusLine });
  }

  /** Announce the shape of the next reply, in the order commands were sent. */
  expect(shape: ExpectedShape, maxBytes = Number.POSITIVE_INFINITY): void {
    this.expected.push({ shape, maxBytes });
  }

  get isFailed(): boolean {
    return this.state === 'failed';
  }

  /** Feed bytes as they arrive; chunks may split anywhere. Never throws a protocol error. */
  push(input: Uint8Array): void {
    if (this.state === 'failed') return;
    let chunk = input;
    if (this.heldBack) {
      chunk = concatBytes([this.heldBack, input]);
      this.heldBack = undefined;
      this.isAtLineStart = true;
    }
    let pos = 0;
    while (pos < chunk.length && !this.isFailed) {
      pos = this.state === 'status' ? this.readStatus(chunk, pos) : this.readBody(chunk, pos);
    }
  }

  /** Latch a protocol error (also used by the session for errors it detects). */
  fail(error: Pop3ProtocolError): void {
    if (this.state === 'failed') return;
    this.state = 'failed';
    this.statusLines.reset();
    this.heldBack = undefined;
    this.sink.onError(error);
  }

  private current(): Expectation | undefined {
    return this.expected[this.head];
  }

  private finishReply(): void {
    this.expected[this.head] = undefined as unknown as Expectation;
    this.head++;
    // Compact now and then so a long pipelined session does not grow the array.
    if (this.head > 1024 && this.head * 2 > this.expected.length) {
      this.expected.splice(0, this.head);
      this.head = 0;
    }
    this.state = 'status';
    this.sink.onEnd();
  }

  private readStatus(chunk: Uint8Array, pos: number): number {
    // The splitter checks the cap before the line completes: 10 MiB without
    // CRLF must fail early.
    const read = this.statusLines.read(chunk, pos);
    if (read.kind === 'too-long') {
      this.fail(
        protocolError(
          'POP3_LINE_TOO_LONG',
          `status line longer than ${this.limits.maxStatusLine} octets`,
        ),
      );
      return chunk.length;
    }
    if (read.kind === 'partial') return chunk.length;
    // A bare LF ends a status line too: servers that send one exist.
    this.onStatusLine(withoutLineEnding(read.line));
    return read.end;
  }

  private onStatusLine(raw: Uint8Array): void {
    const expectation = this.current();
    if (!expectation) {
      this.fail(protocolError('POP3_UNEXPECTED_REPLY', 'the server sent a reply nobody asked for'));
      return;
    }
    const status = parseStatusLine(decodeText(raw));
    const isContinueAllowed = expectation.shape === 'sasl';
    if (!status || (status.kind === 'continue' && !isContinueAllowed)) {
      const shown = decodeText(raw.subarray(0, 40));
      this.fail(
        protocolError('POP3_BAD_STATUS', `not a POP3 status line: ${JSON.stringify(shown)}`),
      );
      return;
    }
    this.sink.onStatus(status);
    if (this.state === 'failed') return;
    if (expectation.shape === 'multi' && status.kind === 'ok') {
      this.state = 'body';
      this.isAtLineStart = true;
      this.bodyBytes = 0;
      this.bodyLineLength = 0;
    } else {
      this.finishReply();
    }
  }

  private readBody(chunk: Uint8Array, pos: number): number {
    let segmentStart = pos;
    let scan = pos;
    for (;;) {
      // RFC 1939 §3: only a dot that starts a line is special, so scan for dots
      // (rare in base64 bodies) rather than for every line ending.
      const dot = chunk.indexOf(DOT, scan);
      if (dot < 0) {
        this.emit(chunk, segmentStart, chunk.length);
        if (chunk.length > pos) this.isAtLineStart = chunk[chunk.length - 1] === LF;
        return chunk.length;
      }
      const isLineStart = dot === pos ? this.isAtLineStart : chunk[dot - 1] === LF;
      if (!isLineStart) {
        // Nothing later on this line can start a line: skip to its end, so
        // prose with a period every few words costs two searches a line.
        const lf = chunk.indexOf(LF, dot + 1);
        scan = lf < 0 ? chunk.length : lf + 1;
        continue;
      }
      const next = chunk[dot + 1];
      if (next === undefined || (next === CR && dot + 2 >= chunk.length)) {
        // ".", ".\r" at the end of the chunk: the terminator or a stuffed dot.
        this.emit(chunk, segmentStart, dot);
        // A copy: Node's Buffer#slice is a view into a possibly reused buffer.
        if (this.state !== 'failed') this.heldBack = new Uint8Array(chunk.subarray(dot));
        return chunk.length;
      }
      this.emit(chunk, segmentStart, dot);
      if (this.state === 'failed') return chunk.length;
      if (next === CR && chunk[dot + 2] === LF) {
        this.finishReply();
        return dot + 3;
      }
      // Byte-stuffed line: drop the leading dot.
      segmentStart = dot + 1;
      scan = dot + 1;
    }
  }

  private emit(chunk: Uint8Array, start: number, end: number): void {
    if (end <= start || this.state === 'failed') return;
    const expectation = this.current();
    this.bodyBytes += end - start;
    if (expectation && this.bodyBytes > expectation.maxBytes) {
      this.fail(
        protocolError(
          'POP3_RESPONSE_TOO_LARGE',
          `response larger than its limit of ${expectation.maxBytes} octets`,
        ),
      );
      return;
    }
    if (!this.trackLineLength(chunk, start, end)) {
      this.fail(
        protocolError(
          'POP3_LINE_TOO_LONG',
          `body line longer than ${this.limits.maxBodyLine} octets`,
        ),
      );
      return;
    }
    this.sink.onData(chunk.subarray(start, end));
  }

  /** Keep the current body line's length; false when it passes the limit. */
  private trackLineLength(chunk: Uint8Array, start: number, end: number): boolean {
    const max = this.limits.maxBodyLine;
    const lastLf = chunk.lastIndexOf(LF, end - 1);
    if (lastLf < start) {
      this.bodyLineLength += end - start;
      return this.bodyLineLength <= max;
    }
    if (end - start > max) {
      // A segment longer than the limit may hide a long line between two
      // line feeds: look at every line (rare: only for huge pushed chunks).
      let lineStart = start;
      let lineLength = this.bodyLineLength;
      for (let lf = chunk.indexOf(LF, start); lf >= 0 && lf < end; lf = chunk.indexOf(LF, lf + 1)) {
        if (lineLength + (lf - lineStart) > max) return false;
        lineLength = 0;
        lineStart = lf + 1;
      }
    } else {
      const firstLf = chunk.indexOf(LF, start);
      if (this.bodyLineLength + (firstLf - start) > max) return false;
    }
    this.bodyLineLength = end - lastLf - 1;
    return this.bodyLineLength <= max;
  }
}
