// Keyboard shortcuts: the pure key map, and the inbox acting on them —
// j/k move, Enter opens, Delete or # deletes, u undoes, / searches, r refreshes, Esc goes back.

import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { shortcutFor } from '../../../client/keyboard.ts';
import { FakeMailbox, sampleMessages } from '../../support/app-fake-pop3.ts';
import { buildApp, freshIndexedDb, until } from '../../support/app-stores.ts';
import { mountApp, press, settle, type Mounted } from './render.tsx';

const key = (k: string, extra: Partial<KeyboardEvent> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...extra,
});

describe('shortcutFor', () => {
  it('maps the documented keys', () => {
    expect(shortcutFor(key('j'), false)).toBe('next');
    expect(shortcutFor(key('k'), false)).toBe('previous');
    expect(shortcutFor(key('Enter'), false)).toBe('open');
    expect(shortcutFor(key('Delete'), false)).toBe('delete');
    expect(shortcutFor(key('#'), false)).toBe('delete');
    expect(shortcutFor(key('u'), false)).toBe('undo');
    expect(shortcutFor(key('/'), false)).toBe('search');
    expect(shortcutFor(key('r'), false)).toBe('refresh');
    expect(shortcutFor(key('Escape'), false)).toBe('back');
  });

  it('maps the list keys: Shift+I, Shift+U, ? and Ctrl/Cmd+A outside fields', () => {
    expect(shortcutFor(key('I', { shiftKey: true }), false)).toBe('markRead');
    expect(shortcutFor(key('U', { shiftKey: true }), false)).toBe('markUnread');
    expect(shortcutFor(key('?', { shiftKey: true }), false)).toBe('help');
    expect(shortcutFor(key('a', { ctrlKey: true }), false)).toBe('selectAll');
    expect(shortcutFor(key('a', { metaKey: true }), false)).toBe('selectAll');
    // In the search box Ctrl+A selects its text, as everywhere else.
    expect(shortcutFor(key('a', { ctrlKey: true }), true)).toBeUndefined();
    expect(shortcutFor(key('a', { ctrlKey: true, altKey: true }), false)).toBeUndefined();
  });

  it('leaves typing, and Ctrl/Cmd/Alt chords, alone', () => {
    expect(shortcutFor(key('j'), true)).toBeUndefined();
    expect(shortcutFor(key('Escape'), true)).toBe('back');
    expect(shortcutFor(key('r', { ctrlKey: true }), false)).toBeUndefined();
    expect(shortcutFor(key('r', { metaKey: true }), false)).toBeUndefined();
    expect(shortcutFor(key('q'), false)).toBeUndefined();
  });
});

describe('inbox keyboard', () => {
  let mounted: Mounted | undefined;
  beforeEach(() => {
    freshIndexedDb();
  });
  afterEach(() => {
    mounted?.unmount();
    vi.unstubAllGlobals();
  });

  it('moves, opens, deletes, undoes, searches, refreshes and goes back', async () => {
    const mailbox = new FakeMailbox(sampleMessages(12));
    const { store } = buildApp(mailbox);
    mounted = mountApp(store);
    await act(() => store.signIn('main', 'alice', 'secret'));
    await until(() => store.mailbox.progress.value.loaded === 12, 'headers');
    await settle();

    await press('j', document.body);
    expect(store.selection.cursor.value).toBe('u12');
    await press('j', document.body);
    await press('j', document.body);
    await press('k', document.body);
    expect(store.selection.cursor.value).toBe('u11');

    await press('Enter', document.body);
    await until(() => store.reader.state.value?.status === 'ready', 'reader');
    expect(store.reader.state.value?.uidl).toBe('u11');
    await settle();
    expect(mounted.root.querySelector('.reader')).not.toBeNull();
    // In the reader, j opens the next message.
    await press('j', document.body);
    await until(() => store.reader.state.value?.uidl === 'u10', 'next message');
    await press('Escape', document.body);
    expect(store.reader.state.value).toBeUndefined();

    await press('#', document.body);
    expect(store.pending.entries.value.map((entry) => entry.uidl)).toEqual(['u10']);
    expect(store.selection.cursor.value).toBe('u9');
    await press('u', document.body);
    expect(store.pending.entries.value).toEqual([]);
    await press('Delete', document.body);
    expect(store.pending.entries.value).toHaveLength(1);
    await press('u', document.body);

    await press('/', document.body);
    const search = mounted.root.querySelector<HTMLInputElement>('input[type="search"]')!;
    expect(document.activeElement).toBe(search);
    // Typing in the search box is not a shortcut.
    await press('r', search);
    expect(mailbox.connections).toHaveLength(1);
    await press('Escape', search);
    expect(document.activeElement).not.toBe(search);

    await press('r', document.body);
    await until(
      () => mailbox.connections.length === 2 && store.sessions.state.value.kind === 'ready',
      'refresh',
    );
    expect(mailbox.connections[0]?.server.commands.at(-1)).toBe('QUIT');
    await act(() => store.signOut());
  });

  it('the toolbar has the named buttons and the search filters loaded headers', async () => {
    const mailbox = new FakeMailbox(sampleMessages(12));
    const { store } = buildApp(mailbox);
    mounted = mountApp(store);
    await act(() => store.signIn('main', 'alice', 'secret'));
    await until(() => store.mailbox.progress.value.loaded === 12, 'headers');
    await settle();
    const names = (): (string | undefined)[] =>
      [...mounted!.root.querySelectorAll('button')].map(
        (b) => b.getAttribute('aria-label') ?? b.textContent.trim(),
      );
    expect(names()).toEqual(expect.arrayContaining(['Refresh', 'Sign out']));
    // Actions on messages appear once there is one to act on, as on Gmail.
    expect(names()).not.toContain('Delete');
    expect(names()).not.toContain('Undo');
    await act(() => store.selection.setCursor('u12'));
    expect(names()).toEqual(expect.arrayContaining(['Delete', 'Mark as read']));
    expect(names()).not.toContain('Mark as unread');
    await act(() => {
      store.mailbox.query.value = 'message 1';
    });
    // "Message 1", "Message 10", "Message 11", "Message 12"
    expect(store.mailbox.view.value.map((row) => row.uidl)).toEqual(['u12', 'u11', 'u10', 'u1']);
    await act(() => store.deleteMessages(['u12']));
    const undo = [...mounted.root.querySelectorAll('button')].find((b) => b.textContent === 'Undo');
    expect(undo).toBeDefined();
    await act(() => undo?.click());
    expect(store.pending.entries.value).toEqual([]);
    await act(() => store.signOut());
  });
});
