// Client bytes → command lines, strictly in order, with a hard cap on a line.
// Holds the chunks a pipelining client sent ahead; the splitting and the cap
// are the shared line splitter's. Knows nothing of POP3 beyond that.

import { LineSplitter, withoutLineEnding } from '../../shared/pop3/line-splitter.ts';

/** The next thing a LineBuffer holds. */
export type BufferedLine = { kind: 'line'; text: string } | { kind: 'too-long' };

const decoder = new TextDecoder();

/** Buffers pipelined input; shift() hands out one complete line at a time. */
export class LineBuffer {
  readonly #splitter: LineSplitter;
  /** Chunks not yet split; the splitter holds the partial line. */
  #chunks: Uint8Array[] = [];
  /** Where the unread part of #chunks[0] starts. */
  #offset = 0;
  #unread = 0;

  /** @param maxLine longest line accepted, in octets including CRLF. */
  constructor(readonly maxLine: number) {
    this.#splitter = new LineSplitter({ maxLine });
  }

  /** Octets held and not yet handed out. */
  get size(): number {
    return this.#unread + this.#splitter.heldLength;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#unread += chunk.length;
  }

  /** The next complete line, 'too-long' once the cap is passed, or undefined to wait. */
  shift(): BufferedLine | undefined {
    for (let chunk = this.#chunks[0]; chunk; chunk = this.#chunks[0]) {
      const read = this.#splitter.read(chunk, this.#offset);
      if (read.kind === 'too-long') return { kind: 'too-long' };
      const end = read.kind === 'line' ? read.end : chunk.length;
      this.#unread -= end - this.#offset;
      this.#offset = end;
      if (end === chunk.length) {
        this.#chunks.shift();
        this.#offset = 0;
      }
      // A bare LF ends a line too: the demo serves clients as leniently as real servers.
      if (read.kind === 'line')
        return { kind: 'line', text: decoder.decode(withoutLineEnding(read.line)) };
    }
    return undefined;
  }

  /** Forget everything held (RFC 2595 §4: nothing sent in clear may run after STLS). */
  clear(): void {
    this.#chunks = [];
    this.#offset = 0;
    this.#unread = 0;
    this.#splitter.reset();
  }
}
