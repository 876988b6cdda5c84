// endSession, the one way a session ends: QUIT's answer decides the result,
// the connection is closed whatever happens, and a QUIT that is never
// answered costs at most the timeout (fake timers).

import { afterEach, describe, expect, it, vi } from 'vitest';
import { endSession, type SessionLink } from '../../../client/state/session-link.ts';

function fakeLink(quit: () => Promise<unknown>) {
  const close = vi.fn();
  const link: SessionLink = { ended: new Promise(() => undefined), quit, close };
  return { link, close };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('endSession', () => {
  it('resolves true on QUIT +OK and closes after the answer', async () => {
    const order: string[] = [];
    const { link, close } = fakeLink(() => {
      order.push('quit');
      return Promise.resolve();
    });
    close.mockImplementation(() => order.push('close'));
    await expect(endSession(link)).resolves.toBe(true);
    expect(order).toEqual(['quit', 'close']);
  });

  it('resolves false, and still closes, when QUIT fails', async () => {
    const { link, close } = fakeLink(() => Promise.reject(new Error('-ERR')));
    await expect(endSession(link)).resolves.toBe(false);
    expect(close).toHaveBeenCalledOnce();
  });

  it('gives up on an unanswered QUIT after the timeout, then closes', async () => {
    vi.useFakeTimers();
    const { link, close } = fakeLink(() => new Promise(() => undefined));
    let result: boolean | undefined;
    void endSession(link, 5000).then((value) => (result = value));
    await vi.advanceTimersByTimeAsync(4999);
    expect(result).toBeUndefined();
    expect(close).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(result).toBe(false);
    expect(close).toHaveBeenCalledOnce();
  });

  it('leaves no timer behind once QUIT is answered', async () => {
    vi.useFakeTimers();
    const { link } = fakeLink(() => Promise.resolve());
    await endSession(link, 5000);
    expect(vi.getTimerCount()).toBe(0);
  });
});
