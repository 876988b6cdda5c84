// Streaming end-of-data recogniser for client→server message bytes (RFC 5321
// §4.1.1.4): finds the CRLF.CRLF that ends the message exactly where the
// server will, and refuses every shape a server could read differently
// (SMTP smuggling, CVE-2023-51764 and kin): bare CR or LF anywhere, `.LF`,
// `.CR` without LF, and a leading dot that is not stuffing. Pure.

import { localError, type SmtpError, type SmtpErrorCode } from './errors.ts';

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;

export interface EndOfDataLimits {
  /** RFC 5321 §4.5.3.1.6: a text line is at most 1000 octets, CRLF included. */
  maxLine: number;
  /** Largest message, unstuffed and without the terminator (RFC 1870 §4 counts so). */
  maxBytes: number;
}

export const DEFAULT_END_OF_DATA_LIMITS: EndOfDataLimits = {
  maxLine: 1000,
  maxBytes: Number.POSITIVE_INFINITY,
};

/** `end`: the offset just past CRLF.CRLF in this chunk, or -1 when the message goes on. */
export type EndOfDataResult = { end: number; error?: undefined } | { error: SmtpError };

/**
 * State after each byte. `start`: at a line start (also right after the DATA
 * line's CRLF, which RFC 5321 §4.1.1.4 counts as the first CRLF of the
 * terminator); `dot`: a line began with "."; `dotCr`: with ".CR".
 */
type State = 'start' | 'text' | 'cr' | 'dot' | 'dotCr' | 'done' | 'failed';

/** One message's worth of DATA bytes; make a new one for each message. */
export class EndOfDataScanner {
  private state: State = 'start';
  private lineLength = 0;
  private size = 0;
  private failure: SmtpError | undefined;

  constructor(private readonly limits: EndOfDataLimits = DEFAULT_END_OF_DATA_LIMITS) {}

  /** Message octets seen so far, unstuffed, without the terminator. */
  get messageBytes(): number {
    return this.size;
  }

  get isDone(): boolean {
    return this.state === 'done';
  }

  get error(): SmtpError | undefined {
    return this.failure;
  }

  /**
   * Scan the next chunk. Latches on the first error; after the end it must
   * not be fed again (the bytes past `end` are commands).
   */
  push(chunk: Uint8Array): EndOfDataResult {
    if (this.failure) return { error: this.failure };
    if (this.state === 'done') return this.fail('SMTP_BAD_BODY', 'bytes after the end of data');
    const { maxLine } = this.limits;
    let state = this.state;
    let line = this.lineLength;
    let size = this.size;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      line++;
      if (line > maxLine) {
        return this.fail('SMTP_DATA_LINE_TOO_LONG', `a message line is over ${maxLine} octets`);
      }
      switch (state) {
        case 'start':
        case 'text':
          if (byte === CR) state = 'cr';
          else if (byte === LF) return this.fail('SMTP_BARE_LF', 'bare LF in the message');
          else if (byte === DOT && state === 'start') state = 'dot';
          else state = 'text';
          if (state !== 'dot') size++;
          break;
        case 'cr':
          if (byte !== LF) return this.fail('SMTP_BARE_CR', 'bare CR in the message');
          size++;
          state = 'start';
          line = 0;
          break;
        case 'dot':
          if (byte === DOT) {
            // RFC 5321 §4.5.2: the server drops this line's first dot.
            size++;
            state = 'text';
          } else if (byte === CR) {
            state = 'dotCr';
          } else if (byte === LF) {
            return this.fail('SMTP_SMUGGLING', 'a "." line ended by a bare LF');
          } else {
            return this.fail('SMTP_BAD_DOT_STUFFING', 'a line starts with a single "."');
          }
          break;
        case 'dotCr':
          if (byte !== LF) return this.fail('SMTP_SMUGGLING', 'a "." line ended by a bare CR');
          this.state = 'done';
          this.lineLength = 0;
          this.size = size;
          return { end: i + 1 };
      }
      if (size > this.limits.maxBytes) {
        return this.fail('SMTP_TOO_LARGE', `the message is over ${this.limits.maxBytes} octets`);
      }
    }
    this.state = state;
    this.lineLength = line;
    this.size = size;
    return { end: -1 };
  }

  private fail(code: SmtpErrorCode, message: string): EndOfDataResult {
    this.state = 'failed';
    this.failure = localError(code, message);
    return { error: this.failure };
  }
}
