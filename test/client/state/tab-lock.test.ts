// Cross-tab coordination over Web Locks: ifAvailable to detect another tab,
// steal to take over, and the holder told when it lost the lock.

import { describe, expect, it } from 'vitest';
import { createTabLock } from '../../../client/state/tab-lock.ts';

/** A minimal LockManager with the semantics the app relies on. */
function fakeLocks(): LockManager {
  const held = new Map<string, { reject: (error: Error) => void }>();
  return {
    request(name: string, options: LockOptions, callback: LockGrantedCallback<unknown>) {
      return new Promise((resolve, reject) => {
        if (held.has(name) && options.ifAvailable) {
          resolve(callback(null));
          return;
        }
        if (held.has(name) && options.steal) {
          held.get(name)!.reject(new DOMException('stolen', 'AbortError'));
          held.delete(name);
        }
        held.set(name, { reject });
        void Promise.resolve(callback({ name, mode: 'exclusive' })).then((value) => {
          held.delete(name);
          resolve(value);
        });
      });
    },
    query: () => Promise.resolve({ held: [], pending: [] }),
  } as unknown as LockManager;
}

describe('tab lock over Web Locks', () => {
  it('a second tab sees the lock held; stealing tells the first tab', async () => {
    const locks = fakeLocks();
    const one = createTabLock({ locks });
    const two = createTabLock({ locks });
    const first = await one.tryAcquire('main/alice');
    expect(first).toBeDefined();
    expect(await two.tryAcquire('main/alice')).toBeUndefined();
    expect(await two.tryAcquire('main/bob')).toBeDefined();
    let isLost = false;
    void first!.lost.then(() => (isLost = true));
    const second = await two.steal('main/alice');
    await Promise.resolve();
    expect(isLost).toBe(true);
    second.release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await one.tryAcquire('main/alice')).toBeDefined();
  });

  it('works without any coordination API (each tab on its own)', async () => {
    const lock = createTabLock({});
    expect(await lock.tryAcquire('x')).toBeDefined();
    expect(await lock.tryAcquire('x')).toBeDefined();
  });
});
