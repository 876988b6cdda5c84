// The inbox toolbar: Refresh, Delete, Undo (while a deletion can still be
// taken back), search, sort, settings and Sign out.

import type { JSX, RefObject } from 'preact';
import { SORT_KEYS, type SortKey } from '../state/message-rows.ts';
import { useStore } from '../store-context.ts';

export interface ToolbarProps {
  /** What Delete acts on: the open message, else the selection or cursor row. */
  targets: readonly string[];
  onDelete: () => void;
  onSettings: () => void;
  searchRef: RefObject<HTMLInputElement>;
}

/** `role="toolbar"` with the mailbox actions. */
export function Toolbar(props: ToolbarProps): JSX.Element {
  const store = useStore();
  const { i18n, mailbox, pending, sessions } = store;
  const t = i18n.t;
  const canDelete = props.targets.length > 0 && !mailbox.isReadOnly.value;
  const isBusy = store.isSigningOut.value;
  return (
    <header class="toolbar" role="toolbar" aria-label={t('toolbar.label')}>
      <button
        type="button"
        onClick={() => void store.refresh()}
        disabled={isBusy || sessions.state.value.kind === 'signing-out'}
      >
        {t('toolbar.refresh')}
      </button>
      <button type="button" onClick={props.onDelete} disabled={!canDelete || isBusy}>
        {t('toolbar.delete')}
      </button>
      {pending.canUndo.value && (
        <button type="button" class="undo" onClick={() => store.undo()}>
          {t('toolbar.undo')}
        </button>
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
      <span class="spacer" />
      <button type="button" onClick={props.onSettings} aria-label={t('toolbar.settings')}>
        <span aria-hidden="true">⚙</span>
      </button>
      <button type="button" onClick={() => void store.signOut()} disabled={isBusy}>
        {t('toolbar.signOut')}
      </button>
    </header>
  );
}
