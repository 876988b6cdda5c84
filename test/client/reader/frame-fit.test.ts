// The frame's sizing arithmetic, and key forwarding from the frame document to
// the page. Real layout is checked in Chromium (test/e2e/app/reader.test.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  fitScale,
  forwardKeys,
  MAX_FRAME_HEIGHT,
  MIN_SCALE,
  nextHeight,
} from '../../../client/reader/frame-fit.ts';

describe('fitScale', () => {
  it('leaves content that fits at full size', () => {
    expect(fitScale(390, 390)).toBe(1);
    expect(fitScale(391, 390)).toBe(1);
    expect(fitScale(200, 390)).toBe(1);
  });

  it('scales a 600 px newsletter down to a phone frame', () => {
    expect(fitScale(600, 366)).toBe(0.61);
    expect(600 * fitScale(600, 366)).toBeLessThanOrEqual(366);
  });

  it('never goes below the readable minimum, nor acts on an unlaid frame', () => {
    expect(fitScale(9000, 390)).toBe(MIN_SCALE);
    expect(fitScale(600, 0)).toBe(1);
  });
});

describe('nextHeight', () => {
  it('follows the content, up and down, ignoring sub-pixel noise', () => {
    const growth = { step: 0, count: 0 };
    expect(nextHeight(812.4, 96, growth)).toBe(813);
    expect(nextHeight(813.5, 813, growth)).toBeUndefined();
    expect(nextHeight(400, 813, growth)).toBe(400);
  });

  it('stops following content that grows with the frame (100vh plus a margin)', () => {
    const growth = { step: 0, count: 0 };
    let frame = 96;
    const heights: (number | undefined)[] = [];
    for (let i = 0; i < 10; i++) {
      const next = nextHeight(frame + 32, frame, growth);
      heights.push(next);
      if (next !== undefined) frame = next;
    }
    expect(heights.filter((h) => h !== undefined)).toHaveLength(3);
    expect(frame).toBe(96 + 3 * 32);
  });

  it('caps a giant message', () => {
    expect(nextHeight(5_000_000, 96, { step: 0, count: 0 })).toBe(MAX_FRAME_HEIGHT);
  });
});

describe('forwardKeys', () => {
  // Detached: happy-dom would try to load an attached frame; events work the same.
  const frame = document.createElement('iframe');
  const inner = document.implementation.createHTMLDocument('');
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  it('re-dispatches on the frame element, and cancels the original when handled', () => {
    const heard: string[] = [];
    const onKey = (event: KeyboardEvent): void => {
      heard.push(`${event.key}${event.shiftKey ? '+shift' : ''}`);
      if (event.key === 'j') event.preventDefault();
    };
    frame.addEventListener('keydown', onKey);
    stop = forwardKeys(frame, inner, () => true);
    const j = new KeyboardEvent('keydown', { key: 'j', bubbles: true, cancelable: true });
    inner.body.dispatchEvent(j);
    const question = new KeyboardEvent('keydown', {
      key: '?',
      shiftKey: true,
      bubbles: true,
      cancelable: true,
    });
    inner.body.dispatchEvent(question);
    frame.removeEventListener('keydown', onKey);
    expect(heard).toEqual(['j', '?+shift']);
    expect(j.defaultPrevented).toBe(true);
    expect(question.defaultPrevented).toBe(false);
  });

  it('keeps what the filter refuses, and stops when released', () => {
    const onKey = vi.fn();
    frame.addEventListener('keydown', onKey);
    stop = forwardKeys(frame, inner, (event) => event.key !== 'Enter');
    inner.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(onKey).not.toHaveBeenCalled();
    stop();
    inner.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(onKey).not.toHaveBeenCalled();
    frame.removeEventListener('keydown', onKey);
  });
});
