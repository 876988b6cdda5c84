// What the Undo toast says: the latest deletion still in its window, counted
// alone, with the pending store's real timers driven by fake ones.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PendingStorage } from '../../../client/cache/pending-storage.ts';
import { createPendingStore } from '../../../client/state/pending-store.ts';
import { undoToastOf } from '../../../client/state/undo-toast.ts';

const storage: PendingStorage = {
  load: () => Promise.resolve([]),
  save: () => Promise.resolve(),
};

describe('undo toast', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts the latest batch, and ends with its Undo window', async () => {
    const pending = createPendingStore({ storage, undoMs: 6000, now: Date.now });
    await pending.restore('main/alice');
    expect(undoToastOf(pending.entries.value)).toBeUndefined();
    pending.add(['u1', 'u2', 'u3']);
    expect(undoToastOf(pending.entries.value)?.count).toBe(3);
    await vi.advanceTimersByTimeAsync(2000);
    pending.add(['u4']);
    const second = undoToastOf(pending.entries.value);
    expect(second?.count).toBe(1);
    // Undo takes back the latest batch: the toast then speaks of the one before.
    pending.undo();
    expect(undoToastOf(pending.entries.value)?.count).toBe(3);
    await vi.advanceTimersByTimeAsync(6000);
    expect(undoToastOf(pending.entries.value)).toBeUndefined();
  });

  it('ignores entries past their window or already sent', () => {
    const base = { deadline: 0 };
    expect(
      undoToastOf([
        { ...base, uidl: 'a', batch: 1, state: 'due' },
        { ...base, uidl: 'b', batch: 2, state: 'sent' },
        { ...base, uidl: 'c', batch: 1, state: 'waiting' },
      ]),
    ).toEqual({ count: 1, batch: 1 });
  });
});
