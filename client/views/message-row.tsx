// One row of the message list: sender, date, subject, size, an attachment mark
// and the unread and new marks, all as text nodes. Positioned by the virtual
// list; fixed height.
// Memoized: a row renders again only when its own props change, so a burst of
// headers landing (or a cursor move) does not redraw every row on screen.

import type { JSX } from 'preact';
import { memo } from 'preact/compat';
import { formatSize } from '../reader/display-text.ts';
import { formatFullDate, formatListDate } from '../format.ts';
import type { MessageRow as Row } from '../state/message-rows.ts';
import { useStore } from '../store-context.ts';

export const ROW_HEIGHT = 56;

export interface MessageRowProps {
  row: Row;
  /** Position in the view, from 0. */
  index: number;
  isCursor: boolean;
  isSelected: boolean;
  isOpen: boolean;
  isUnread: boolean;
  /** Arrived since the last visit. */
  isNew: boolean;
  /** Stable across renders (the list passes the same function), or memo is defeated. */
  onActivate: (row: Row, event: MouseEvent) => void;
  /** Stable across renders, like `onActivate`. */
  onToggle: (row: Row, event: MouseEvent) => void;
}

function MessageRowView(props: MessageRowProps): JSX.Element {
  const { i18n } = useStore();
  const { row, index } = props;
  const header = row.header;
  const tag = i18n.tag.value;
  const classes = ['row'];
  if (props.isCursor) classes.push('is-cursor');
  if (props.isSelected) classes.push('is-selected');
  if (props.isOpen) classes.push('is-open');
  if (!header) classes.push('is-loading');
  if (props.isUnread) classes.push('is-unread');
  const subject = header ? header.subject || i18n.t('list.noSubject') : '';
  const date = formatListDate(header?.date ?? null, tag);
  const name = header
    ? i18n.t('list.rowName', { from: header.from, subject, date })
    : i18n.t('list.notLoaded');
  let label = name;
  if (props.isUnread) label = i18n.t(props.isNew ? 'read.newRow' : 'read.unreadRow', { name });
  return (
    <div
      role="row"
      id={`message-row-${index}`}
      class={classes.join(' ')}
      aria-rowindex={index + 1}
      aria-selected={props.isSelected || props.isCursor}
      aria-label={label}
      style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
      // Shift-click picks a range; the browser's own text selection would paint over it.
      onMouseDown={(event) => event.shiftKey && event.preventDefault()}
      onClick={(event) => props.onActivate(row, event)}
    >
      <div role="gridcell" class="cell-pick">
        <input
          type="checkbox"
          tabIndex={-1}
          checked={props.isSelected}
          aria-label={header?.subject || i18n.t('list.noSubject')}
          onClick={(event) => {
            event.stopPropagation();
            props.onToggle(row, event);
          }}
        />
      </div>
      <div role="gridcell" class="cell-from" title={header?.fromAddress}>
        {props.isNew && <span class="new-mark">{i18n.t('read.new')}</span>}
        <bdi>{header ? header.from : i18n.t('list.notLoaded')}</bdi>
      </div>
      <div role="gridcell" class="cell-date" title={formatFullDate(header?.date ?? null, tag)}>
        {date}
      </div>
      <div role="gridcell" class="cell-subject" title={subject || undefined}>
        <bdi>{subject}</bdi>
      </div>
      <div role="gridcell" class="cell-size">
        {header?.hasAttachment && (
          <span class="attachment-mark" role="img" aria-label={i18n.t('list.attachment')}>
            📎
          </span>
        )}
        {formatSize(row.size)}
      </div>
    </div>
  );
}

/** A `role="row"` of the Messages grid. */
export const MessageRow = memo(MessageRowView);
