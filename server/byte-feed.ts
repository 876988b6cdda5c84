// Bytes from an upstream socket to one consumer at a time, synchronously.
// Implicit-TLS sockets read into one buffer shared by every connection
// (Node's `onread`): no Buffer, `data` event or stream bookkeeping per TLS
// record (in a bare TLS-to-TCP relay, a sixth less CPU per MB). The price is
// that a view handed to a sink is valid only during the call.

import type { Socket } from 'node:net';

/**
 * Receives upstream bytes as a plain Uint8Array (never a Buffer, whose
 * `slice()` does not copy); the view is reused after it returns: copy what
 * you keep, with `slice()`.
 */
export type Sink = (bytes: Uint8Array) => void;

/**
 * The read buffer of every implicit-TLS upstream socket. Sharing it is safe
 * because each read is handed to its sink and copied before the next one.
 */
export const SHARED_READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

export class ByteFeed {
  private sink: Sink | undefined;
  private held: Uint8Array[] = [];
  /** Set once the socket exists (it is created with `deliver` as its reader). */
  source: Pick<Socket, 'pause' | 'resume'> | undefined;

  /** The socket's reader: to the sink, or held (copied) and the socket paused. */
  readonly deliver = (chunk: Uint8Array): void => {
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.sink) return this.sink(bytes);
    this.held.push(bytes.slice());
    this.source?.pause();
  };

  /** Route bytes to `sink`, those held first, and let the socket read again. */
  attach(sink: Sink): void {
    this.sink = sink;
    while (this.sink === sink) {
      const chunk = this.held.shift();
      if (chunk === undefined) break;
      sink(chunk);
    }
    if (this.sink === sink) this.source?.resume();
  }

  /** Stop routing: what arrives is held until the next `attach`. */
  detach(): void {
    this.sink = undefined;
  }

  /** Put bytes back in front (a line reader's leftovers), for the next sink. */
  unshift(bytes: Uint8Array): void {
    if (bytes.length > 0) this.held.unshift(bytes.slice());
  }
}
