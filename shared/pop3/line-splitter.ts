// Bytes in any chunking → LF-terminated lines under a length cap. The one
// place a capped line is read: the reply parser, the gateway's line guard, the
// upstream greeting reader and the demo server all split lines here. Knows no
// POP3 beyond "a line ends with LF"; what a line may contain is the caller's.

const LF = 0x0a;
const CR = 0x0d;

/** What read() found in the bytes it was given. */
export type LineRead =
  /**
   * A complete line, byte-exact, up to and including its LF. A view into the
   * chunk when the whole line lies in it (copy it to keep it past the chunk's
   * life), otherwise a new array. `end` is where the rest of the chunk starts.
   */
  | { kind: 'line'; line: Uint8Array; end: number }
  /** No LF yet: the bytes are held (copied) until the rest arrives. */
  | { kind: 'partial' }
  /** The line passed the cap, or must pass it once it ends; nothing is held. */
  | { kind: 'too-long' };

export interface LineSplitterOptions {
  /**
   * Longest line accepted, line ending included. A function when the cap
   * changes with the caller's state (the guard's SASL lines may be longer);
   * it is asked for each line.
   */
  maxLine: number | (() => number);
  /**
   * The caller refuses lines that do not end in CRLF, so a partial line needs
   * at least a CR and an LF more, and passes its cap one byte sooner.
   */
  isCrlfRequired?: boolean;
}

/**
 * Splits a stream into lines. Feed it with read(chunk, start) until the chunk
 * is used up; it keeps a partial line between chunks. The cap is checked as
 * bytes arrive, never only once the line completes: 10 MiB without an LF is
 * refused at the cap, not buffered: a hostile peer cannot grow memory.
 */
export class LineSplitter {
  private held: Uint8Array[] = [];
  private heldBytes = 0;

  constructor(private readonly options: LineSplitterOptions) {}

  /** Octets of a partial line held from earlier chunks. */
  get heldLength(): number {
    return this.heldBytes;
  }

  /** Read from `chunk[start]` up to the next LF, or to the end of the chunk. */
  read(chunk: Uint8Array, start = 0): LineRead {
    const { maxLine } = this.options;
    const max = typeof maxLine === 'number' ? maxLine : maxLine();
    const lf = chunk.indexOf(LF, start);
    if (lf < 0) {
      const length = this.heldBytes + chunk.length - start;
      // The shortest possible end is the ending still to come: an LF, or a
      // CRLF (only the LF when the last byte held is already the CR).
      const last = chunk.length > start ? chunk[chunk.length - 1] : this.lastHeldByte();
      const toCome = this.options.isCrlfRequired && last !== CR ? 2 : 1;
      if (length + toCome > max) return this.tooLong();
      if (chunk.length > start) {
        // A copy, not chunk.slice(): Node's Buffer#slice is a view, and a
        // reused read buffer would overwrite the held bytes.
        this.held.push(new Uint8Array(chunk.subarray(start)));
        this.heldBytes = length;
      }
      return { kind: 'partial' };
    }
    const end = lf + 1;
    if (this.heldBytes + end - start > max) return this.tooLong();
    const line = this.heldBytes === 0 ? chunk.subarray(start, end) : this.join(chunk, start, end);
    return { kind: 'line', line, end };
  }

  /** Forget a held partial line (RFC 2595 §4: nothing sent in clear may run after STLS). */
  reset(): void {
    this.held = [];
    this.heldBytes = 0;
  }

  private tooLong(): LineRead {
    this.reset();
    return { kind: 'too-long' };
  }

  private lastHeldByte(): number | undefined {
    const part = this.held[this.held.length - 1];
    return part?.[part.length - 1];
  }

  private join(chunk: Uint8Array, start: number, end: number): Uint8Array {
    const line = new Uint8Array(this.heldBytes + end - start);
    let offset = 0;
    for (const part of this.held) {
      line.set(part, offset);
      offset += part.length;
    }
    line.set(chunk.subarray(start, end), offset);
    this.reset();
    return line;
  }
}

/** A line without its LF or CRLF; whether a bare LF is acceptable is the caller's rule. */
export function withoutLineEnding(line: Uint8Array): Uint8Array {
  let end = line.length;
  if (line[end - 1] === LF) end--;
  if (line[end - 1] === CR) end--;
  return line.subarray(0, end);
}
