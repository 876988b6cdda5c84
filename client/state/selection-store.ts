// Which rows of the list are focused and selected, by UIDL, so a selection
// survives sorting, filtering and a new session's renumbering.

import { computed, signal, type ReadonlySignal } from '@preact/signals';
import type { MessageRow } from './message-rows.ts';

export interface SelectionStore {
  /** The focused row (keyboard cursor). */
  cursor: ReadonlySignal<string | undefined>;
  /** Rows picked with Ctrl/Shift-click or x; empty means "the cursor row". */
  selected: ReadonlySignal<ReadonlySet<string>>;
  /** What Delete acts on: the selection, else the cursor row. */
  targets: ReadonlySignal<readonly string[]>;
  setCursor: (uidl: string | undefined) => void;
  /** j/k: move the cursor through the view. */
  moveBy: (delta: number) => void;
  toggle: (uidl: string) => void;
  /**
   * Shift-click: add the rows from the last picked one (the anchor) to `uidl`,
   * keeping earlier picks, as Gmail does.
   */
  extendTo: (uidl: string) => void;
  /** Every row of the view is picked. */
  isAll: ReadonlySignal<boolean>;
  /** "Select all" and Ctrl/Cmd+A: pick every row shown, or none when all are. */
  toggleAll: () => void;
  /** After deleting `gone`: the cursor goes to the next row still shown. */
  skipPast: (gone: readonly string[]) => void;
  clear: () => void;
}

/** Build the selection store over the list view. */
export function createSelectionStore(view: ReadonlySignal<readonly MessageRow[]>): SelectionStore {
  const cursor = signal<string | undefined>(undefined);
  const selected = signal<ReadonlySet<string>>(new Set());
  const indexOf = (uidl: string | undefined): number =>
    uidl === undefined ? -1 : view.value.findIndex((row) => row.uidl === uidl);
  // Where a Shift-click range starts: the last row picked or focused.
  let anchor: string | undefined;
  const isAll = computed(() => {
    const rows = view.value;
    return rows.length > 0 && rows.every((row) => selected.value.has(row.uidl));
  });
  const targets = computed(() => {
    const shown = new Set(view.value.map((row) => row.uidl));
    const picked = [...selected.value].filter((uidl) => shown.has(uidl));
    if (picked.length > 0) return picked;
    return cursor.value !== undefined && shown.has(cursor.value) ? [cursor.value] : [];
  });

  return {
    cursor,
    selected,
    targets,
    isAll,
    setCursor(uidl) {
      cursor.value = uidl;
      anchor = uidl;
    },
    moveBy(delta) {
      const rows = view.value;
      if (rows.length === 0) return;
      const at = indexOf(cursor.value);
      const next = at < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, at + delta));
      cursor.value = rows[next]?.uidl;
    },
    toggle(uidl) {
      const next = new Set(selected.value);
      if (!next.delete(uidl)) next.add(uidl);
      selected.value = next;
      cursor.value = uidl;
      anchor = uidl;
    },
    extendTo(uidl) {
      const from = Math.max(0, indexOf(anchor ?? cursor.value));
      const to = indexOf(uidl);
      if (to < 0) return;
      const [low, high] = from <= to ? [from, to] : [to, from];
      const next = new Set(selected.value);
      for (const row of view.value.slice(low, high + 1)) next.add(row.uidl);
      selected.value = next;
      cursor.value = uidl;
    },
    toggleAll() {
      selected.value = isAll.value ? new Set() : new Set(view.value.map((row) => row.uidl));
    },
    skipPast(gone) {
      const rows = view.value;
      const leaving = new Set(gone);
      const positions = rows.flatMap((row, i) => (leaving.has(row.uidl) ? [i] : []));
      if (positions.length === 0) return;
      const after = rows.slice(Math.max(...positions) + 1).find((row) => !leaving.has(row.uidl));
      const before = rows
        .slice(0, Math.min(...positions))
        .reverse()
        .find((row) => !leaving.has(row.uidl));
      cursor.value = (after ?? before)?.uidl;
      selected.value = new Set();
    },
    clear() {
      cursor.value = undefined;
      anchor = undefined;
      selected.value = new Set();
    },
  };
}
