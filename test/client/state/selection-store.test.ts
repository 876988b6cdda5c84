// The selection store: Shift ranges from the last pick that keep earlier picks,
// select all (and none again), and what the actions target.

import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import type { MessageRow } from '../../../client/state/message-rows.ts';
import { createSelectionStore } from '../../../client/state/selection-store.ts';

const rowsOf = (uidls: string[]): MessageRow[] =>
  uidls.map((uidl, i) => ({ uidl, msg: i + 1, size: 10, header: undefined }));

function build() {
  const view = signal(rowsOf(['a', 'b', 'c', 'd', 'e', 'f']));
  return { view, selection: createSelectionStore(view) };
}

const picked = (selection: ReturnType<typeof build>['selection']): string[] =>
  [...selection.selected.value].sort();

describe('selection', () => {
  it('a Shift range starts at the last pick and keeps earlier picks', () => {
    const { selection } = build();
    selection.toggle('a');
    selection.toggle('c');
    selection.extendTo('e');
    expect(picked(selection)).toEqual(['a', 'c', 'd', 'e']);
    expect(selection.cursor.value).toBe('e');
    // Upwards from the new anchor works the same way.
    selection.toggle('f');
    selection.extendTo('d');
    expect(picked(selection)).toEqual(['a', 'c', 'd', 'e', 'f']);
  });

  it('a Shift range after a plain click starts at the clicked row', () => {
    const { selection } = build();
    selection.setCursor('b');
    selection.extendTo('d');
    expect(picked(selection)).toEqual(['b', 'c', 'd']);
    expect(selection.targets.value).toEqual(['b', 'c', 'd']);
  });

  it('select all picks every row shown, then none', () => {
    const { selection, view } = build();
    selection.toggle('b');
    expect(selection.isAll.value).toBe(false);
    selection.toggleAll();
    expect(picked(selection)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(selection.isAll.value).toBe(true);
    selection.toggleAll();
    expect(picked(selection)).toEqual([]);
    // A filtered view: "all" means all that are shown.
    view.value = rowsOf(['b', 'd']);
    selection.toggleAll();
    expect(picked(selection)).toEqual(['b', 'd']);
  });

  it('an empty list is never "all selected"', () => {
    const { selection, view } = build();
    view.value = [];
    expect(selection.isAll.value).toBe(false);
  });
});
