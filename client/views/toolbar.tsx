// The inbox toolbar: Select all, Refresh (spinning while it works), the actions
// that apply to what is picked ("3 selected", Delete, Mark as read or unread),
// search, sort, settings, shortcuts and Sign out. Undo lives in the toast.

import type { JSX, RefObject } from 'preact';
import { SORT_KEYS, type SortKey } from '../state/message-rows.ts';
import { useStore } from '../store-context.ts';
import { Action, Icon } from './icons.tsx';

export interface ToolbarProps {
  /** What the actions act on: the open message, else the selection or cursor row. */
  targets: readonly string[];
  onDelete: () => void;
  onSettings: () => void;
  onHelp: () => void;
  searchRef: RefObject<HTMLInputElement>;
}

/** `role="toolbar"` with the mailbox actions. */
export function Toolbar(props: ToolbarProps): JSX.Element {
  const store = useStore();
  const { i18n, mailbox, sessions, selection, readState } = store;
  const t = i18n.t;
  const isBusy = store.isSigningOut.value;
  const targets = props.targets;
  const read = readState.read.value;
  const hasUnread = targets.some((uidl) => !read.has(uidl));
  const hasRead = targets.some((uidl) => read.has(uidl));
  const picked = selection.selected.value.size;
  const isAll = selection.isAll.value;
  const hasTargets = targets.length > 0;
  return (
    <header
      class={picked > 0 ? 'toolbar has-selection' : 'toolbar'}
      role="toolbar"
      aria-label={t('toolbar.label')}
    >
      <input
        type="checkbox"
        class="select-all"
        aria-label={t('list.selectAll')}
        title={t('list.selectAll')}
        checked={isAll}
        indeterminate={picked > 0 && !isAll}
        disabled={mailbox.view.value.length === 0}
        onChange={() => selection.toggleAll()}
      />
      <Action
        icon="refresh"
        label={t('toolbar.refresh')}
        onClick={() => void store.refresh()}
        disabled={isBusy || sessions.state.value.kind === 'signing-out'}
        isBusy={store.isRefreshing.value}
      />
      {picked > 0 && <span class="picked">{i18n.plural('list.selected', picked)}</span>}
      {hasTargets && (
        <Action
          icon="delete"
          label={t('toolbar.delete')}
          onClick={props.onDelete}
          disabled={mailbox.isReadOnly.value || isBusy}
        />
      )}
      {hasUnread && (
        <Action
          icon="read"
          label={t('read.markRead')}
          onClick={() => readState.markRead(targets)}
        />
      )}
      {hasRead && (
        <Action
          icon="unread"
          label={t('read.markUnread')}
          onClick={() => readState.markUnread(targets)}
        />
      )}
      <input
        ref={props.searchRef}
        type="search"
        class="search"
        aria-label={t('toolbar.search')}
        placeholder={t('toolbar.searchPlaceholder')}
        value={mailbox.query.value}
        onInput={(event) => (mailbox.query.value = event.currentTarget.value)}
      />
      <select
        class="sort"
        aria-label={t('toolbar.sort')}
        value={mailbox.sort.value}
        onChange={(event) => (mailbox.sort.value = event.currentTarget.value as SortKey)}
      >
        {SORT_KEYS.map((key) => (
          <option key={key} value={key}>
            {t(`sort.${key}`)}
          </option>
        ))}
      </select>
      <button
        type="button"
        class="icon-only help"
        onClick={props.onHelp}
        aria-label={t('list.shortcuts')}
        title={t('list.shortcuts')}
      >
        <Icon name="help" />
      </button>
      <button
        type="button"
        class="icon-only"
        onClick={props.onSettings}
        aria-label={t('toolbar.settings')}
        title={t('toolbar.settings')}
      >
        <Icon name="settings" />
      </button>
      <Action
        icon="signOut"
        label={t('toolbar.signOut')}
        onClick={() => void store.signOut()}
        disabled={isBusy}
      />
    </header>
  );
}
