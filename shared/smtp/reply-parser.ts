// Streaming SMTP reply decoder (RFC 5321 §4.2): bytes in any chunking →
// complete replies, multi-line ones (`250-…` then `250 …`) joined, with the
// RFC 3463 enhanced status code lifted out. A synchronous state machine that
// owns its leftovers; it never sees a socket, a timer or a WebSocket.

import { protocolError, type SmtpProtocolError } from './errors.ts';

const LF = 0x0a;
const CR = 0x0d;

/** One complete reply. */
export interface SmtpReply {
  /** The three-digit reply code (RFC 5321 §4.2.1). */
  code: number;
  /** RFC 3463 `class.subject.detail`, when the first line carries one. */
  enhanced: string | undefined;
  /** The text of each line after the code and separator, enhanced code removed. */
  lines: string[];
}

/** Where the parser reports what it decoded. Called synchronously from push(). */
export interface SmtpReplySink {
  onReply(reply: SmtpReply): void;
  /** The bytes broke the protocol; the parser has latched and ignores further input. */
  onError(error: SmtpProtocolError): void;
}

export interface SmtpParserLimits {
  /**
   * Longest reply line accepted, CRLF included. RFC 5321 §4.5.3.1.5 says 512;
   * real servers send longer texts, so the default is more generous but finite.
   */
  maxLine: number;
  /** Most lines in one reply: an EHLO reply has a few dozen, never thousands. */
  maxLines: number;
}

export const DEFAULT_SMTP_PARSER_LIMITS: SmtpParserLimits = {
  maxLine: 8 * 1024,
  maxLines: 512,
};

const UTF8 = new TextDecoder('utf-8');
// RFC 5321 §4.2: Reply-code = %x32-35 %x30-35 %x30-39, then SP, "-" or the end.
const REPLY_LINE = /^([2-5][0-5][0-9])(?:([ -])(.*))?$/s;
// RFC 3463 §2: class "." subject "." detail; class is 2, 4 or 5; subject and
// detail have one to three digits without leading zeros (RFC 3463 §2 grammar).
const ENHANCED = /^([245])\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})(?: |$)/;

/** The RFC 3463 code at the start of `text`, when its class matches the reply. */
export function enhancedCode(code: number, text: string): string | undefined {
  const match = ENHANCED.exec(text);
  if (!match || Number(match[1]) !== Math.floor(code / 100)) return undefined;
  return `${match[1]}.${match[2]}.${match[3]}`;
}

/** The text of a reply on one line, for messages (enhanced code left out). */
export function replyText(reply: SmtpReply): string {
  return reply.lines.join(' ').trim();
}

/** Decodes a stream of SMTP replies; each reply announces its own end (RFC 5321 §4.2.1). */
export class SmtpReplyParser {
  private parts: Uint8Array[] = [];
  private partLength = 0;
  private code = 0;
  private lines: string[] = [];
  private failed = false;

  constructor(
    private readonly sink: SmtpReplySink,
    private readonly limits: SmtpParserLimits = DEFAULT_SMTP_PARSER_LIMITS,
  ) {}

  get isFailed(): boolean {
    return this.failed;
  }

  /** True between the first and last line of a multi-line reply, or inside a line. */
  get isMidReply(): boolean {
    return this.lines.length > 0 || this.partLength > 0;
  }

  /** Feed bytes as they arrive; chunks may split anywhere. Never throws a protocol error. */
  push(chunk: Uint8Array): void {
    let pos = 0;
    while (pos < chunk.length && !this.failed) {
      const lf = chunk.indexOf(LF, pos);
      const end = lf < 0 ? chunk.length : lf + 1;
      // Checked before the line completes: megabytes without a line feed fail early.
      if (this.partLength + (end - pos) > this.limits.maxLine) {
        this.fail(
          protocolError(
            'SMTP_LINE_TOO_LONG',
            `reply line longer than ${this.limits.maxLine} octets`,
          ),
        );
        return;
      }
      if (lf < 0) {
        this.parts.push(chunk.slice(pos));
        this.partLength += chunk.length - pos;
        return;
      }
      const line = this.takeLine(chunk.subarray(pos, lf));
      pos = end;
      this.onLine(line.at(-1) === CR ? line.subarray(0, -1) : line);
    }
  }

  /** Latch a protocol error (also used by callers for errors they detect). */
  fail(error: SmtpProtocolError): void {
    if (this.failed) return;
    this.failed = true;
    this.parts = [];
    this.lines = [];
    this.sink.onError(error);
  }

  private takeLine(last: Uint8Array): Uint8Array {
    if (this.parts.length === 0) return last;
    const line = new Uint8Array(this.partLength + last.length);
    let offset = 0;
    for (const part of this.parts) {
      line.set(part, offset);
      offset += part.length;
    }
    line.set(last, offset);
    this.parts = [];
    this.partLength = 0;
    return line;
  }

  private onLine(raw: Uint8Array): void {
    // RFC 6531 §3.7.4: reply texts may be UTF-8; anything else shows as U+FFFD.
    const text = UTF8.decode(raw);
    const match = REPLY_LINE.exec(text);
    if (!match) {
      this.fail(
        protocolError(
          'SMTP_BAD_REPLY',
          `not an SMTP reply line: ${JSON.stringify(text.slice(0, 40))}`,
        ),
      );
      return;
    }
    const code = Number(match[1]);
    if (this.lines.length > 0 && code !== this.code) {
      // RFC 5321 §4.2.1: every line of a multi-line reply has the same code.
      this.fail(
        protocolError('SMTP_BAD_REPLY', `multi-line reply changed code ${this.code} to ${code}`),
      );
      return;
    }
    if (this.lines.length >= this.limits.maxLines) {
      this.fail(
        protocolError('SMTP_TOO_MANY_LINES', `reply longer than ${this.limits.maxLines} lines`),
      );
      return;
    }
    this.code = code;
    this.lines.push(match[3] ?? '');
    if (match[2] === '-') return;
    const lines = this.lines;
    this.lines = [];
    const enhanced = enhancedCode(code, lines[0] ?? '');
    const strip = (line: string): string =>
      enhanced !== undefined && enhancedCode(code, line) === enhanced
        ? line.slice(enhanced.length).trimStart()
        : line;
    this.sink.onReply({ code, enhanced, lines: lines.map(strip) });
  }
}
