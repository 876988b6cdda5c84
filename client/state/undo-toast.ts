// What the "Deleted 3 · Undo" toast says: the latest deletion still in its Undo
// window, from the pending-deletions entries. Pure, so it is tested without timers.

import type { PendingEntry } from './pending-store.ts';

export interface UndoToast {
  /** How many messages the latest deletion took. */
  count: number;
  /** Its batch, so the toast can tell one deletion from the next. */
  batch: number;
}

/** The toast for the latest batch in its Undo window, or undefined when Undo is over. */
export function undoToastOf(entries: readonly PendingEntry[]): UndoToast | undefined {
  let batch = -1;
  for (const entry of entries) if (entry.state === 'waiting') batch = Math.max(batch, entry.batch);
  if (batch < 0) return undefined;
  const count = entries.filter((e) => e.state === 'waiting' && e.batch === batch).length;
  return { count, batch };
}
