// The virtualized Messages grid: a fixed row height, only the rows in view
// (plus a few) rendered, so 10,000 messages scroll like 50. Reports the rows
// on screen to the mailbox store, which fetches their headers first.

import type { JSX } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { MessageRow as Row } from '../state/message-rows.ts';
import { useStore } from '../store-context.ts';
import { MessageRow, ROW_HEIGHT } from './message-row.tsx';
import { Placeholders } from './placeholder-rows.tsx';

const OVERSCAN = 6;
/** Used until the list is measured (and in environments without layout). */
const FALLBACK_HEIGHT = 720;

/** The window of rows to render for a scroll position. */
export function rowWindow(
  scrollTop: number,
  height: number,
  count: number,
  overscan = OVERSCAN,
): { first: number; last: number; visibleFirst: number; visibleLast: number } {
  const visibleFirst = Math.min(count, Math.max(0, Math.floor(scrollTop / ROW_HEIGHT)));
  const visibleLast = Math.min(count, Math.ceil((scrollTop + height) / ROW_HEIGHT));
  return {
    first: Math.max(0, visibleFirst - overscan),
    last: Math.min(count, visibleLast + overscan),
    visibleFirst,
    visibleLast,
  };
}

export interface MessageListProps {
  onOpen: (uidl: string) => void;
}

/** `role="grid"` named "Messages"; `aria-rowcount` is the number of messages it lists. */
export function MessageList({ onOpen }: MessageListProps): JSX.Element {
  const { i18n, mailbox, selection, reader, readState } = useStore();
  const read = readState.read.value;
  const fresh = readState.fresh.value;
  const rows = mailbox.view.value;
  const cursor = selection.cursor.value;
  const selected = selection.selected.value;
  const openUidl = reader.state.value?.uidl;
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(FALLBACK_HEIGHT);

  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = (): void => setHeight(element.clientHeight || FALLBACK_HEIGHT);
    if (typeof ResizeObserver === 'undefined') {
      measure();
      return;
    }
    // Its first report comes after the browser's own layout, before paint: a
    // clientHeight read here would force a layout while the session waits.
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const win = rowWindow(scrollTop, height, rows.length);
  const onScreen = rows.slice(win.visibleFirst, win.visibleLast);
  useEffect(() => {
    mailbox.setVisible(onScreen.map((row) => row.uidl));
  });

  // Keep the keyboard cursor in view.
  const cursorIndex = cursor === undefined ? -1 : rows.findIndex((row) => row.uidl === cursor);
  useEffect(() => {
    const element = ref.current;
    if (!element || cursorIndex < 0) return;
    const top = cursorIndex * ROW_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW_HEIGHT > element.scrollTop + height) {
      element.scrollTop = top + ROW_HEIGHT - height;
    }
  }, [cursorIndex, height]);

  // One function for the list's lifetime, reading the latest onOpen, so
  // memoized rows are not redrawn because the parent rendered.
  const onOpenRef = useRef(onOpen);
  onOpenRef.current = onOpen;
  const [{ activate, toggle }] = useState(() => ({
    activate: (row: Row, event: MouseEvent): void => {
      if (event.shiftKey) selection.extendTo(row.uidl);
      else if (event.ctrlKey || event.metaKey) selection.toggle(row.uidl);
      else {
        selection.setCursor(row.uidl);
        onOpenRef.current(row.uidl);
      }
    },
    toggle: (row: Row, event: MouseEvent): void => {
      if (event.shiftKey) selection.extendTo(row.uidl);
      else selection.toggle(row.uidl);
    },
  }));

  const isEmpty = mailbox.isListed.value && rows.length === 0;
  return (
    <div class="list-pane">
      <div
        ref={ref}
        class="message-list"
        role="grid"
        aria-label={i18n.t('list.label')}
        aria-rowcount={rows.length}
        aria-colcount={5}
        aria-multiselectable="true"
        aria-activedescendant={cursorIndex >= 0 ? `message-row-${cursorIndex}` : undefined}
        tabIndex={0}
        onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
      >
        <div role="rowgroup" class="rows" style={{ height: `${rows.length * ROW_HEIGHT}px` }}>
          {rows.slice(win.first, win.last).map((row, i) => (
            <MessageRow
              key={row.uidl}
              row={row}
              index={win.first + i}
              isCursor={row.uidl === cursor}
              isSelected={selected.has(row.uidl)}
              isOpen={row.uidl === openUidl}
              isUnread={!read.has(row.uidl)}
              isNew={fresh.has(row.uidl)}
              onActivate={activate}
              onToggle={toggle}
            />
          ))}
          {!mailbox.isListed.value && <Placeholders count={mailbox.announced.value ?? 0} />}
        </div>
      </div>
      {isEmpty && (
        <p class="list-empty">
          {mailbox.query.value.trim() ? i18n.t('list.noMatch') : i18n.t('list.empty')}
        </p>
      )}
    </div>
  );
}
