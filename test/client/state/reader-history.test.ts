// History and address for the reader: an entry per opened message, Back closes,
// a reload reopens what the address names, and the address never holds the UIDL.
import { signal } from '@preact/signals';
import { afterEach, describe, expect, it } from 'vitest';
import {
  idFromHref,
  messageId,
  syncReaderHistory,
  type HistoryLike,
} from '../../../client/state/reader-history.ts';

const BASE = 'https://mail.example.test/webmail/';

/** A browser history: entries with state and URL, Back firing popstate. */
class FakeHistory implements HistoryLike {
  entries: { state: unknown; url: string }[];
  index = 0;
  listeners = new Set<() => void>();
  constructor(url: string, state: unknown = null) {
    this.entries = [{ state, url }];
  }
  get state(): unknown {
    return this.entries[this.index]?.state;
  }
  get url(): string {
    return this.entries[this.index]?.url ?? '';
  }
  pushState(state: unknown, _: string, url = this.url): void {
    this.entries.splice(this.index + 1, Infinity, { state, url });
    this.index++;
  }
  replaceState(state: unknown, _: string, url = this.url): void {
    this.entries[this.index] = { state, url };
  }
  back(): void {
    if (this.index === 0) return;
    this.index--;
    for (const listener of this.listeners) listener();
  }
}

function world(url = BASE, state: unknown = null) {
  const history = new FakeHistory(url, state);
  const openUidl = signal<string | undefined>(undefined);
  const listed = signal<readonly string[] | undefined>(undefined);
  const stop = syncReaderHistory({
    history,
    href: () => history.url,
    onPopState(listener) {
      history.listeners.add(listener);
      return () => history.listeners.delete(listener);
    },
    openUidl,
    listed,
    open: (uidl) => (openUidl.value = uidl),
    close: () => (openUidl.value = undefined),
  });
  stops.push(stop);
  return { history, openUidl, listed };
}

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((stop) => stop()));

describe('messageId', () => {
  it('is short, stable, address-safe, and not the UIDL', () => {
    const id = messageId('1a2b3c-secret-looking<uidl>');
    expect(id).toMatch(/^[0-9a-z]{1,12}$/);
    expect(messageId('1a2b3c-secret-looking<uidl>')).toBe(id);
    expect(messageId('other')).not.toBe(id);
    expect(id).not.toContain('uidl');
  });

  it('tells 10,000 UIDLs apart', () => {
    const ids = new Set(Array.from({ length: 10_000 }, (_, i) => messageId(`UID${i}-1700000000`)));
    expect(ids.size).toBe(10_000);
  });

  it('reads only its own hash from an address', () => {
    expect(idFromHref(`${BASE}#message=abc123`)).toBe('abc123');
    expect(idFromHref(`${BASE}#other=abc`)).toBeUndefined();
    expect(idFromHref(`${BASE}#message=<script>`)).toBeUndefined();
    expect(idFromHref(BASE)).toBeUndefined();
  });
});

describe('syncReaderHistory', () => {
  it('opening adds one entry named after the message; Back closes the reader', () => {
    const { history, openUidl, listed } = world();
    listed.value = ['u1', 'u2'];
    openUidl.value = 'u1';
    expect(history.entries).toHaveLength(2);
    expect(history.url).toBe(`${BASE}#message=${messageId('u1')}`);
    openUidl.value = 'u2'; // j: the same entry, renamed
    expect(history.entries).toHaveLength(2);
    expect(history.url).toBe(`${BASE}#message=${messageId('u2')}`);
    history.back();
    expect(openUidl.value).toBeUndefined();
    expect(history.url).toBe(BASE);
  });

  it('closing in the app leaves the entry, so Back then leaves nothing behind', () => {
    const { history, openUidl, listed } = world();
    listed.value = ['u1'];
    openUidl.value = 'u1';
    openUidl.value = undefined; // Escape
    expect(history.index).toBe(0);
    expect(history.url).toBe(BASE);
  });

  it('a reload opens the named message once the listing has it', () => {
    const url = `${BASE}#message=${messageId('u2')}`;
    const { history, openUidl, listed } = world(url, { reader: 'u2', isPushed: true });
    expect(openUidl.value).toBeUndefined(); // signed out: nothing yet
    listed.value = ['u1', 'u2'];
    expect(openUidl.value).toBe('u2');
    expect(history.entries).toHaveLength(1);
  });

  it('an address typed in (no entry of ours) is replaced on close, never Back out of the app', () => {
    const { history, openUidl, listed } = world(`${BASE}#message=${messageId('u1')}`);
    listed.value = ['u1'];
    expect(openUidl.value).toBe('u1');
    openUidl.value = undefined;
    expect(history.entries).toHaveLength(1);
    expect(history.url).toBe(BASE);
  });

  it('drops an address naming a message that is gone', () => {
    const { history, openUidl, listed } = world(`${BASE}#message=${messageId('gone')}`);
    listed.value = ['u1'];
    expect(openUidl.value).toBeUndefined();
    expect(history.url).toBe(BASE);
  });
});
