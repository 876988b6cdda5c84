// Client bytes → command lines, strictly in order, with a hard cap on a line.
// Knows nothing of POP3 beyond "a line ends with LF; a CR before it is dropped".

import { Buffer } from 'node:buffer';

/** The next thing a LineBuffer holds. */
export type BufferedLine = { kind: 'line'; text: string } | { kind: 'too-long' };

const LF = 0x0a;
const CR = 0x0d;
const decoder = new TextDecoder();

/** Buffers pipelined input; shift() hands out one complete line at a time. */
export class LineBuffer {
  #pending: Uint8Array = new Uint8Array(0);
  #start = 0;

  /** @param maxLine longest line accepted, in octets including CRLF. */
  constructor(readonly maxLine: number) {}

  /** Octets held and not yet handed out. */
  get size(): number {
    return this.#pending.length - this.#start;
  }

  push(chunk: Uint8Array): void {
    // Copy only the unread rest, so a long pipeline costs linear time.
    const rest = this.#pending.subarray(this.#start);
    this.#pending = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
    this.#start = 0;
  }

  /** The next complete line, 'too-long' once the cap is passed, or undefined to wait. */
  shift(): BufferedLine | undefined {
    const lf = this.#pending.indexOf(LF, this.#start);
    if (lf < 0) return this.size > this.maxLine ? { kind: 'too-long' } : undefined;
    if (lf + 1 - this.#start > this.maxLine) return { kind: 'too-long' };
    const end = lf > this.#start && this.#pending[lf - 1] === CR ? lf - 1 : lf;
    const text = decoder.decode(this.#pending.subarray(this.#start, end));
    this.#start = lf + 1;
    return { kind: 'line', text };
  }

  /** Forget everything held (RFC 2595 §4: nothing sent in clear may run after STLS). */
  clear(): void {
    this.#pending = new Uint8Array(0);
    this.#start = 0;
  }
}
