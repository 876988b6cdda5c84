// Server→browser bytes: copies what the upstream delivers in one turn of the
// event loop into as few binary frames as possible, and applies
// backpressure (docs/security.md #16): the source is paused while
// ws.bufferedAmount is above HIGH and resumed once a send completes below
// LOW. Knows no POP3.

import { WebSocket } from 'ws';

/** What can be paused: the upstream TLS socket. */
export interface Source {
  pause(): void;
  resume(): void;
}

/**
 * A frame never grows past this, whatever arrives in one turn. On a bulk
 * RETR a turn brings up to 2 MiB; 1 MiB frames keep the gateway's write
 * calls and the browser's message events few (256 KiB frames relayed about
 * a fifth slower in bench:gateway).
 */
export const MAX_FRAME = 1024 * 1024;

/**
 * Full-size frames already sent, for any session's next one. A fresh 1 MiB
 * buffer costs page faults to fill and a collection to free; reusing a few
 * cut the gateway's CPU per relayed MB by about a quarter. Idle sessions
 * hold none.
 */
const sentFrames: Buffer[] = [];
const MAX_POOLED_FRAMES = 4;
/** Frames this large are taken from the pool at full size. */
const POOLED_FROM = 64 * 1024;

function takeFrame(): Buffer {
  return sentFrames.pop() ?? Buffer.allocUnsafe(MAX_FRAME);
}

/** Called once ws has written `frame` to the socket: nothing reads it any more. */
function releaseFrame(frame: Buffer): void {
  if (sentFrames.length < MAX_POOLED_FRAMES) sentFrames.push(frame);
}

export class Downstream {
  private frame: Buffer | undefined;
  private used = 0;
  /** Bytes sent in this turn and in the previous one: the size of the next frame. */
  private turnBytes = 0;
  private lastTurnBytes = 0;
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
   * Copy bytes for the browser (the view may be reused once this returns).
   * A TLS socket hands over one 16 KiB record at a time; one frame per turn
   * cuts the frames and write calls many times over on a bulk RETR, for one
   * setImmediate of delay.
   */
  push(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) {
      const frame =
        !this.frame || this.used === this.frame.length
          ? this.startFrame(bytes.length - at)
          : this.frame;
      const count = Math.min(bytes.length - at, frame.length - this.used);
      frame.set(bytes.subarray(at, at + count), this.used);
      this.used += count;
      at += count;
    }
    if (!this.isScheduled) {
      this.isScheduled = true;
      setImmediate(() => this.endTurn());
    }
  }

  /** Send what is queued now (before a close frame, so no byte is lost). */
  flush(): void {
    const frame = this.frame;
    if (!frame || this.used === 0) return;
    const bytes = this.used === frame.length ? frame : frame.subarray(0, this.used);
    this.frame = undefined;
    this.used = 0;
    this.turnBytes += bytes.length;
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(bytes, { binary: true }, () => {
      if (frame.length === MAX_FRAME) releaseFrame(frame);
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

  /**
   * A full frame goes out now; the next is sized by the traffic: exactly
   * `needed` for a lone reply, doubling within a turn, and as large as the
   * previous turn once bytes stream (so a bulk RETR copies each byte once).
   */
  private startFrame(needed: number): Buffer {
    this.flush();
    const size = Math.min(Math.max(needed, this.lastTurnBytes, 2 * this.turnBytes), MAX_FRAME);
    this.frame = size >= POOLED_FROM ? takeFrame() : Buffer.allocUnsafe(size);
    return this.frame;
  }

  private endTurn(): void {
    this.isScheduled = false;
    this.flush();
    this.lastTurnBytes = this.turnBytes;
    this.turnBytes = 0;
  }
}
