// The signed-in page: toolbar, the Messages grid, the reader pane beside it
// (instead of it at phone width), the status bar, the Undo toast; the keyboard
// shortcuts and the unread count in the tab's title.

import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  isActivationTarget,
  isTypingTarget,
  shortcutFor,
  type ShortcutAction,
} from '../keyboard.ts';
import { useStore } from '../store-context.ts';
import { MessageList } from './message-list.tsx';
import { ReaderView } from './reader-view.tsx';
import { SettingsDialog } from './settings-dialog.tsx';
import { ShortcutsHelp } from './shortcuts-help.tsx';
import { StatusBar } from './status-bar.tsx';
import { Toolbar } from './toolbar.tsx';
import { UndoToast } from './undo-toast.tsx';

/** The inbox: list, reader, toolbar and status. */
export function Inbox(): JSX.Element {
  const store = useStore();
  const { i18n, mailbox, selection, reader, readState } = store;
  const [isSettingsOpen, setSettingsOpen] = useState(false);
  const [isHelpOpen, setHelpOpen] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const openUidl = reader.state.value?.uidl;
  // Picked rows win over the open message, which wins over the cursor row.
  const hasPicks = selection.selected.value.size > 0;
  const targets = openUidl !== undefined && !hasPicks ? [openUidl] : selection.targets.value;

  const open = (uidl: string): void => {
    selection.setCursor(uidl);
    void reader.open(uidl);
  };
  const back = (): void => {
    reader.close();
    document.querySelector<HTMLElement>('.message-list')?.focus();
  };

  const perform = (action: ShortcutAction, target: EventTarget | null): void => {
    const cursor = selection.cursor.value;
    switch (action) {
      case 'next':
      case 'previous':
        selection.moveBy(action === 'next' ? 1 : -1);
        if (openUidl !== undefined && selection.cursor.value !== undefined) {
          open(selection.cursor.value);
        }
        return;
      case 'open':
        if (cursor !== undefined) open(cursor);
        return;
      case 'delete':
        return store.deleteMessages(targets);
      case 'undo':
        return store.undo();
      case 'search':
        return searchRef.current?.focus();
      case 'refresh':
        return void store.refresh();
      case 'toggle':
        if (cursor !== undefined) selection.toggle(cursor);
        return;
      case 'markRead':
        return readState.markRead(targets);
      case 'markUnread':
        return readState.markUnread(targets);
      case 'selectAll':
        return selection.toggleAll();
      case 'help':
        return setHelpOpen(true);
      case 'back':
        if (isTypingTarget(target)) return (target as HTMLElement).blur();
        if (openUidl !== undefined) return back();
        if (selection.selected.value.size > 0) return selection.clear();
        mailbox.query.value = '';
        return;
    }
  };

  // Read at key time, not from the last effect: a key pressed right after a
  // click must act on what that click picked.
  const performRef = useRef(perform);
  performRef.current = perform;

  // "(3) Mail", as webmails do, so a background tab shows that mail waits.
  const unread = readState.unreadCount.value;
  const title = i18n.t('app.title');
  useEffect(() => {
    document.title = unread > 0 ? `(${i18n.formatNumber(unread)}) ${title}` : title;
    return () => void (document.title = title);
  }, [unread, title]);

  useEffect(() => {
    if (isSettingsOpen || isHelpOpen) return;
    const onKey = (event: KeyboardEvent): void => {
      const action = shortcutFor(event, isTypingTarget(event.target));
      if (!action) return;
      if (action === 'open' && isActivationTarget(event.target)) return;
      event.preventDefault();
      performRef.current(action, event.target);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [isSettingsOpen, isHelpOpen]);

  return (
    <div class={openUidl === undefined ? 'inbox' : 'inbox is-reading'}>
      <Toolbar
        targets={targets}
        onDelete={() => store.deleteMessages(targets)}
        onSettings={() => setSettingsOpen(true)}
        onHelp={() => setHelpOpen(true)}
        searchRef={searchRef}
      />
      <main class="panes">
        <MessageList onOpen={open} />
        {openUidl !== undefined && <ReaderView onBack={back} />}
      </main>
      <StatusBar />
      <UndoToast />
      {isSettingsOpen && <SettingsDialog onClose={() => setSettingsOpen(false)} />}
      {isHelpOpen && <ShortcutsHelp onClose={() => setHelpOpen(false)} />}
    </div>
  );
}
