// The virtualized Messages grid: aria-rowcount is the number of messages, and
// only the rows in view (plus a small overscan) exist in the DOM, even at 10,000.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { options, type VNode } from 'preact';
import { act } from 'preact/test-utils';
import { rowWindow } from '../../../client/views/message-list.tsx';
import { ROW_HEIGHT } from '../../../client/views/message-row.tsx';
import { FakeMailbox, sampleMessages } from '../../support/app-fake-pop3.ts';
import { buildApp, freshIndexedDb, until } from '../../support/app-stores.ts';
import { mountApp, settle, type Mounted } from './render.tsx';

let mounted: Mounted | undefined;
beforeEach(() => {
  freshIndexedDb();
});
afterEach(() => {
  mounted?.unmount();
  mounted = undefined;
  vi.unstubAllGlobals();
});

describe('rowWindow', () => {
  it('covers the viewport plus overscan, clamped to the list', () => {
    expect(rowWindow(0, 560, 10_000, 6)).toEqual({
      first: 0,
      last: 16,
      visibleFirst: 0,
      visibleLast: 10,
    });
    expect(rowWindow(ROW_HEIGHT * 5000, 560, 10_000, 6)).toEqual({
      first: 4994,
      last: 5016,
      visibleFirst: 5000,
      visibleLast: 5010,
    });
    expect(rowWindow(ROW_HEIGHT * 9995, 560, 10_000, 6).last).toBe(10_000);
  });
});

describe('Messages grid', () => {
  it('renders only the visible rows of a 10,000-message mailbox', async () => {
    // No TOP: only rows on screen get headers (via RETR), which keeps this test quick.
    const mailbox = new FakeMailbox(sampleMessages(10_000), {
      capabilities: ['UIDL', 'USER', 'PIPELINING'],
    });
    const { store } = buildApp(mailbox);
    mounted = mountApp(store);
    await act(() => store.signIn('main', 'alice', 'secret'));
    await until(() => store.mailbox.isListed.value, 'listing', 2000);
    await settle();
    const grid = mounted.root.querySelector<HTMLElement>('[role="grid"]')!;
    expect(grid.getAttribute('aria-label')).toBe('Messages');
    expect(grid.getAttribute('aria-rowcount')).toBe('10000');
    const rows = (): HTMLElement[] => [...grid.querySelectorAll<HTMLElement>('[role="row"]')];
    expect(rows().length).toBeGreaterThan(5);
    expect(rows().length).toBeLessThan(40);
    // Newest first: row 1 is message 10,000.
    expect(rows()[0]?.getAttribute('aria-rowindex')).toBe('1');
    await until(() => rows()[0]?.textContent.includes('Message 10000') ?? false, 'first header');

    await act(() => {
      grid.scrollTop = ROW_HEIGHT * 6000;
      grid.dispatchEvent(new Event('scroll'));
    });
    await settle();
    const indexes = rows().map((row) => Number(row.getAttribute('aria-rowindex')));
    expect(rows().length).toBeLessThan(40);
    expect(Math.min(...indexes)).toBeGreaterThan(5980);
    expect(Math.max(...indexes)).toBeLessThan(6040);
    // The rows now on screen are fetched first (headers of message 10000 - 6000 = 4000).
    await until(() => grid.textContent.includes('Message 4000'), 'scrolled header');
    // Headers for far-away rows were never asked for.
    expect(mailbox.log.filter((line) => line.startsWith('RETR')).length).toBeLessThan(80);
    await act(() => store.signOut());
  });

  it('leaves rows pending deletion out of the count', async () => {
    const mailbox = new FakeMailbox(sampleMessages(30));
    const { store } = buildApp(mailbox);
    mounted = mountApp(store);
    await act(() => store.signIn('main', 'alice', 'secret'));
    await until(() => store.mailbox.progress.value.loaded === 30, 'headers');
    await settle();
    const grid = mounted.root.querySelector<HTMLElement>('[role="grid"]')!;
    expect(grid.getAttribute('aria-rowcount')).toBe('30');
    await act(() => store.deleteMessages(['u30', 'u29']));
    expect(grid.getAttribute('aria-rowcount')).toBe('28');
    expect(grid.textContent).not.toContain('Message 30');
    await act(() => store.undo());
    expect(grid.getAttribute('aria-rowcount')).toBe('30');
  });

  it('redraws only the rows whose props changed', async () => {
    const mailbox = new FakeMailbox(sampleMessages(30));
    const { store } = buildApp(mailbox);
    mounted = mountApp(store);
    await act(() => store.signIn('main', 'alice', 'secret'));
    await until(() => store.mailbox.progress.value.loaded === 30, 'headers');
    await settle();
    const rows = mounted.root.querySelectorAll('[role="row"]');
    expect(rows.length).toBeGreaterThan(10);

    const drawn: string[] = [];
    // Preact's hook after each component is diffed: which rows were drawn again.
    const hooks = options as { diffed?: (vnode: VNode<{ row?: { uidl: string } }>) => void };
    const previous = hooks.diffed;
    hooks.diffed = (vnode) => {
      const type = vnode.type as { name?: string };
      if (typeof vnode.type === 'function' && type.name === 'MessageRowView' && vnode.props.row) {
        drawn.push(vnode.props.row.uidl);
      }
      previous?.(vnode);
    };
    try {
      await act(() => store.selection.setCursor('u28'));
      await act(() => store.selection.setCursor('u27'));
    } finally {
      hooks.diffed = previous;
    }
    // The cursor row, then the old and the new one: not every row on screen.
    expect(drawn).toEqual(['u28', 'u28', 'u27']);
    expect(rows[2]?.classList.contains('is-cursor')).toBe(false);
    expect(rows[3]?.classList.contains('is-cursor')).toBe(true);
    await act(() => store.signOut());
  });
});
