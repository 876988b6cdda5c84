// Command lines out of pipelined input, at every split, with the line cap.

import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { LineBuffer, type BufferedLine } from '../../../server/demo/line-buffer.ts';

function drain(buffer: LineBuffer): BufferedLine[] {
  const out: BufferedLine[] = [];
  for (let next = buffer.shift(); next; next = buffer.shift()) {
    out.push(next);
    if (next.kind === 'too-long') break;
  }
  return out;
}

const input = Buffer.from('USER demo\r\nPASS a b\r\nSTAT\nNOOP\r\n中文\r\nQUIT');
const lines = ['USER demo', 'PASS a b', 'STAT', 'NOOP', '中文'].map((text) => ({
  kind: 'line',
  text,
}));

describe('LineBuffer', () => {
  it('splits lines on CRLF or LF, whole, at every split and byte by byte', () => {
    const whole = new LineBuffer(100);
    whole.push(input);
    expect(drain(whole)).toEqual(lines);

    for (let at = 0; at <= input.length; at++) {
      const split = new LineBuffer(100);
      split.push(input.subarray(0, at));
      const out = drain(split);
      split.push(input.subarray(at));
      expect([...out, ...drain(split)]).toEqual(lines);
    }

    const bytewise = new LineBuffer(100);
    const out: BufferedLine[] = [];
    for (const byte of input) {
      bytewise.push(Uint8Array.of(byte));
      out.push(...drain(bytewise));
    }
    expect(out).toEqual(lines);
    expect(bytewise.size).toBe(4);
  });

  it('reports a line over the cap, with or without its end', () => {
    const open = new LineBuffer(8);
    open.push(Buffer.from('123456789'));
    expect(open.shift()).toEqual({ kind: 'too-long' });

    const ended = new LineBuffer(8);
    ended.push(Buffer.from('OK\r\n12345678\r\n'));
    expect(ended.shift()).toEqual({ kind: 'line', text: 'OK' });
    expect(ended.shift()).toEqual({ kind: 'too-long' });

    const exact = new LineBuffer(8);
    exact.push(Buffer.from('123456\r\n'));
    expect(exact.shift()).toEqual({ kind: 'line', text: '123456' });
  });

  it('keeps its own copy of a partial line when the read buffer is reused', () => {
    const buffer = new LineBuffer(100);
    const reused = Buffer.from('NOOP\r\nQU');
    buffer.push(reused);
    expect(buffer.shift()).toEqual({ kind: 'line', text: 'NOOP' });
    expect(buffer.shift()).toBeUndefined();
    reused.fill(0x78);
    buffer.push(Buffer.from('IT\r\n'));
    expect(buffer.shift()).toEqual({ kind: 'line', text: 'QUIT' });
  });

  it('forgets everything on clear()', () => {
    const buffer = new LineBuffer(100);
    buffer.push(Buffer.from('STLS\r\nUSER evil\r\n'));
    expect(buffer.shift()).toEqual({ kind: 'line', text: 'STLS' });
    buffer.clear();
    expect(buffer.shift()).toBeUndefined();
    expect(buffer.size).toBe(0);
  });
});
