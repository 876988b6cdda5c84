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
  /** Shift-click: select from the cursor to `uidl`. */
  extendTo: (uidl: string) => void;
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
    setCursor(uidl) {
      cursor.value = uidl;
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
    },
    extendTo(uidl) {
      const from = Math.max(0, indexOf(cursor.value));
      const to = indexOf(uidl);
      if (to < 0) return;
      const [low, high] = from <= to ? [from, to] : [to, from];
      selected.value = new Set(view.value.slice(low, high + 1).map((row) => row.uidl));
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
      selected.value = new Set();
    },
  };
}
