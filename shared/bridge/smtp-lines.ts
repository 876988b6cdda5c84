// Re-frames browser bytes into SMTP command lines for the SMTP guard:
// leftovers kept across WebSocket frames, the length limit checked before a
// line completes, and every line proved to be UTF-8 ending in exactly one
// CRLF with no other CR, LF or NUL (RFC 5321 §2.3.8). Pure.

import { bridgeError, type BridgeError } from './errors.ts';
import { MAX_AUTH_LINE, MAX_COMMAND_LINE } from '../smtp/command.ts';

const LF = 0x0a;
const CR = 0x0d;
/** Shared: a non-streaming decode keeps no state. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const AUTH_PREFIX = [0x41, 0x55, 0x54, 0x48, 0x20]; // "AUTH "

/** One complete line: the bytes to forward unchanged, and its text without CRLF. */
export interface FramedLine {
  bytes: Uint8Array;
  text: string;
}

export type FrameResult =
  { line: FramedLine | undefined; next: number; error?: undefined } | { error: BridgeError };

/**
 * RFC 4954 §4: AUTH lines and SASL responses may reach 12288 octets; other
 * command lines 512 (RFC 5321 §4.5.3.1.4). Until five octets are in, the
 * line may still turn out to be AUTH.
 */
export function maxLineFor(head: Uint8Array, isSaslResponse: boolean): number {
  if (isSaslResponse || head.length < AUTH_PREFIX.length) return MAX_AUTH_LINE;
  const isAuth = AUTH_PREFIX.every((byte, i) => ((head[i] ?? 0) & 0xdf) === (byte & 0xdf));
  return isAuth ? MAX_AUTH_LINE : MAX_COMMAND_LINE;
}

export class SmtpLineFramer {
  private partial: Uint8Array[] = [];
  private partialLength = 0;

  /**
   * The next complete line in `bytes` from `pos`, with the offset after it;
   * `line` is undefined when the rest was kept for the next frame.
   */
  next(bytes: Uint8Array, pos: number, isSaslResponse: boolean): FrameResult {
    const lf = bytes.indexOf(LF, pos);
    if (lf < 0) {
      this.partial.push(bytes.slice(pos));
      this.partialLength += bytes.length - pos;
      // A 10 KiB line without CRLF is refused before it completes; the
      // shortest end still to come is the LF, or CRLF.
      const toCome = bytes[bytes.length - 1] === CR ? 1 : 2;
      if (this.partialLength + toCome > maxLineFor(this.head(), isSaslResponse)) {
        return this.tooLong();
      }
      return { line: undefined, next: bytes.length };
    }
    const line = this.take(bytes.subarray(pos, lf + 1));
    if (line.length > maxLineFor(line, isSaslResponse)) return this.tooLong();
    if (line.length < 2 || line[line.length - 2] !== CR)
      return rejected('bare LF in a command line');
    let text: string;
    try {
      text = UTF8.decode(line.subarray(0, -2));
    } catch {
      return rejected('command line is not UTF-8');
    }
    if (/[\r\0]/.test(text)) return rejected('bare CR or NUL in a command line');
    return { line: { bytes: line, text }, next: lf + 1 };
  }

  /** The first octets of the kept partial line, enough to tell AUTH. */
  private head(): Uint8Array {
    const head: number[] = [];
    for (const part of this.partial) {
      if (head.length >= AUTH_PREFIX.length) break;
      for (const byte of part.subarray(0, AUTH_PREFIX.length - head.length)) head.push(byte);
    }
    return Uint8Array.from(head);
  }

  private take(last: Uint8Array): Uint8Array {
    if (this.partialLength === 0) return last;
    const line = new Uint8Array(this.partialLength + last.length);
    let offset = 0;
    for (const part of [...this.partial, last]) {
      line.set(part, offset);
      offset += part.length;
    }
    this.partial = [];
    this.partialLength = 0;
    return line;
  }

  private tooLong(): FrameResult {
    this.partial = [];
    this.partialLength = 0;
    return { error: bridgeError('BRIDGE_LINE_TOO_LONG', 'command line over the limit') };
  }
}

function rejected(message: string): FrameResult {
  return { error: bridgeError('BRIDGE_LINE_REJECTED', message) };
}
