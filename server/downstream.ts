// Server→browser bytes: coalesces what the TLS socket delivers in one turn of
// the event loop into one binary frame, and applies backpressure (SECURITY.md
// item 16): the source is paused while ws.bufferedAmount is above HIGH and
// resumed once a send completes below LOW. Knows no POP3.

import { WebSocket } from 'ws';

/** What can be paused: the upstream TLS socket. */
export interface Source {
  pause(): void;
  resume(): void;
}

/** A frame never grows past this, whatever arrives in one turn. */
export const MAX_FRAME = 256 * 1024;

export class Downstream {
  private queue: Buffer[] = [];
  private queued = 0;
  private isScheduled = false;
  private isSourcePaused = false;
  private source: Source | undefined;
  /** The peak of ws.bufferedAmount seen, for tests and benchmarks. */
  maxBuffered = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly highWaterMark: number,
    private readonly lowWaterMark: number,
  ) {}

  setSource(source: Source): void {
    this.source = source;
  }

  /**
   * Queue bytes for the browser. A TLS socket hands over one 16 KiB record at
   * a time; one frame per turn cuts the frames and write syscalls about
   * fourfold on a bulk RETR, for one setImmediate of delay.
   */
  push(chunk: Buffer): void {
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.queued >= MAX_FRAME) this.flush();
    else if (!this.isScheduled) {
      this.isScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Send what is queued now (before a close frame, so no byte is lost). */
  flush(): void {
    this.isScheduled = false;
    if (this.queued === 0) return;
    const bytes = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue, this.queued);
    this.queue = [];
    this.queued = 0;
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(bytes, { binary: true }, () => {
      if (this.isSourcePaused && this.ws.bufferedAmount < this.lowWaterMark) {
        this.isSourcePaused = false;
        this.source?.resume();
      }
    });
    const buffered = this.ws.bufferedAmount;
    if (buffered > this.maxBuffered) this.maxBuffered = buffered;
    if (!this.isSourcePaused && buffered > this.highWaterMark) {
      this.isSourcePaused = true;
      this.source?.pause();
    }
  }
}
