// Downstream on its own, against a recording stand-in for ws: every byte is
// copied out of the caller's (reused) view, in order; one turn's bytes go
// out in as few frames as MAX_FRAME allows; a pooled frame is never written
// again before ws reports it sent; backpressure pauses and resumes the source.

import { setImmediate as nextTurn } from 'node:timers/promises';
import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { Downstream, MAX_FRAME } from '../../../server/downstream.ts';

const OPEN = 1;
const KIB = 1024;

interface Sent {
  bytes: Buffer;
  /** A copy taken at send time: what the browser must receive. */
  copy: Buffer;
  done: () => void;
}

/** What Downstream uses of a WebSocket; callbacks run only when the test says. */
function fakeSocket() {
  const sent: Sent[] = [];
  const socket = {
    readyState: OPEN,
    bufferedAmount: 0,
    send(bytes: Buffer, _options: unknown, done: () => void) {
      sent.push({ bytes, copy: Buffer.from(bytes), done });
    },
  };
  return { socket, sent, ws: socket as unknown as WebSocket };
}

/** Reply bytes with a recognisable pattern. */
function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

/** Push `bytes` through one reused 16 KiB view, as an implicit-TLS socket delivers them. */
function pushThroughView(downstream: Downstream, bytes: Uint8Array): void {
  const view = new Uint8Array(16 * KIB);
  for (let at = 0; at < bytes.length; at += view.length) {
    const chunk = bytes.subarray(at, at + view.length);
    view.set(chunk);
    downstream.push(view.subarray(0, chunk.length));
    view.fill(0xee); // the socket's next read overwrites it
  }
}

function joined(sent: readonly Sent[]): Buffer {
  return Buffer.concat(sent.map((frame) => frame.copy));
}

describe('Downstream', () => {
  it('copies out of a reused view into frames that grow within a turn', async () => {
    const { sent, ws } = fakeSocket();
    const downstream = new Downstream(ws, 8 * MAX_FRAME, MAX_FRAME);
    const reply = pattern(200 * KIB, 1);
    pushThroughView(downstream, reply);
    // The first frame is the first chunk's size, the next twice what the turn
    // has sent so far; full ones go out at once. From 64 KiB on, a frame is a
    // whole pooled MAX_FRAME, and goes out when the turn ends.
    expect(sent.map((frame) => frame.bytes.length)).toEqual([16 * KIB, 32 * KIB]);
    await nextTurn();
    expect(sent.map((frame) => frame.bytes.length)).toEqual([16, 32, 152].map((k) => k * KIB));
    expect(joined(sent).equals(Buffer.from(reply))).toBe(true);
  });

  it('a lone small reply is one frame of exactly its size', async () => {
    const { sent, ws } = fakeSocket();
    const downstream = new Downstream(ws, MAX_FRAME, 256 * KIB);
    downstream.push(new TextEncoder().encode('+OK\r\n'));
    await nextTurn();
    expect(sent.map((frame) => frame.copy.toString())).toEqual(['+OK\r\n']);
  });

  it('streams in MAX_FRAME frames once bytes keep coming, every byte in order', async () => {
    const { sent, ws } = fakeSocket();
    const downstream = new Downstream(ws, 64 * MAX_FRAME, MAX_FRAME);
    const turns = [pattern(3 * MAX_FRAME + 5, 2), pattern(2 * MAX_FRAME + 7, 3)];
    for (const turn of turns) {
      pushThroughView(downstream, turn);
      await nextTurn();
    }
    const sizes = sent.map((frame) => frame.bytes.length);
    expect(Math.max(...sizes)).toBe(MAX_FRAME);
    // The second turn is sized by the first: full frames from its first byte.
    const secondTurn = sizes.slice(sizes.length - 3);
    expect(secondTurn).toEqual([MAX_FRAME, MAX_FRAME, 7]);
    expect(joined(sent).equals(Buffer.concat(turns))).toBe(true);
  });

  it('reuses a frame only after ws reports it sent, never while it waits', async () => {
    const { sent, ws } = fakeSocket();
    const downstream = new Downstream(ws, 64 * MAX_FRAME, MAX_FRAME);
    // A first turn warms the sizing up; its frames are all reported sent.
    pushThroughView(downstream, pattern(2 * MAX_FRAME, 4));
    await nextTurn();
    for (const frame of sent) frame.done();
    const released = new Set(sent.map((frame) => frame.bytes.buffer));
    // Later turns whose frames ws holds on to: none may be overwritten.
    const pending = sent.length;
    for (let turn = 0; turn < 3; turn++) {
      pushThroughView(downstream, pattern(2 * MAX_FRAME + 100, 5 + turn));
      await nextTurn();
    }
    const held = sent.slice(pending);
    const reused = held.filter((frame) => released.has(frame.bytes.buffer));
    expect(reused.length).toBeGreaterThan(0); // the pool is in use
    for (const frame of held) expect(frame.bytes.equals(frame.copy)).toBe(true);
  });

  it('pauses the source above HIGH and resumes once a send completes below LOW', async () => {
    const { socket, sent, ws } = fakeSocket();
    const downstream = new Downstream(ws, MAX_FRAME, 256 * KIB);
    const calls: string[] = [];
    downstream.setSource({ pause: () => calls.push('pause'), resume: () => calls.push('resume') });
    socket.bufferedAmount = 2 * MAX_FRAME; // the browser stopped reading
    downstream.push(pattern(1000, 6));
    await nextTurn();
    expect(calls).toEqual(['pause']);
    socket.bufferedAmount = 300 * KIB;
    sent[0]!.done();
    expect(calls).toEqual(['pause']); // still above LOW
    socket.bufferedAmount = 100 * KIB;
    downstream.push(pattern(10, 7));
    await nextTurn();
    sent[1]!.done();
    expect(calls).toEqual(['pause', 'resume']);
    expect(downstream.maxBuffered).toBe(2 * MAX_FRAME);
  });

  it('flush sends at once what is queued (before a close frame)', () => {
    const { sent, ws } = fakeSocket();
    const downstream = new Downstream(ws, MAX_FRAME, 256 * KIB);
    downstream.push(new TextEncoder().encode('-ERR gone\r\n'));
    downstream.flush();
    expect(sent.map((frame) => frame.copy.toString())).toEqual(['-ERR gone\r\n']);
  });
});
