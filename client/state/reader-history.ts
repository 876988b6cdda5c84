// Keeps the browser's history and address in step with the reader: opening a
// message adds an entry named after it, Back closes the reader, and a reload
// (after sign-in) opens the message the address names. Knows no DOM beyond the
// history and location it is given.

import { effect, type ReadonlySignal } from '@preact/signals';

/** The parts of `window.history` used here. */
export interface HistoryLike {
  readonly state: unknown;
  pushState(data: unknown, unused: string, url?: string): void;
  replaceState(data: unknown, unused: string, url?: string): void;
  back(): void;
}

export interface ReaderHistoryDeps {
  history: HistoryLike;
  /** The page address now (`location.href`). */
  href: () => string;
  onPopState: (listener: () => void) => () => void;
  /** The open message's UIDL, undefined when the reader is closed. */
  openUidl: ReadonlySignal<string | undefined>;
  /** The listed UIDLs, once the mailbox is listed (undefined before). */
  listed: ReadonlySignal<readonly string[] | undefined>;
  open: (uidl: string) => void;
  close: () => void;
}

interface ReaderEntry {
  reader: string;
  /** Whether we pushed this entry, so Back returns to the list (not out of the app). */
  isPushed: boolean;
}

const HASH_PREFIX = '#message=';

/**
 * A short, stable name for a message in the address: a 53-bit hash of its UIDL,
 * base 36. The address never holds the UIDL itself (odd bytes, unbounded length),
 * and nothing else about the mailbox.
 */
export function messageId(uidl: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < uidl.length; i++) {
    const code = uidl.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** The message id an address names, if any. */
export function idFromHref(href: string): string | undefined {
  const hash = new URL(href).hash;
  if (!hash.startsWith(HASH_PREFIX)) return undefined;
  const id = hash.slice(HASH_PREFIX.length);
  return /^[0-9a-z]{1,12}$/.test(id) ? id : undefined;
}

function withHash(href: string, hash: string): string {
  const url = new URL(href);
  url.hash = hash;
  return url.href;
}

function entryOf(state: unknown): ReaderEntry | undefined {
  const entry = state as Partial<ReaderEntry> | null;
  return typeof entry?.reader === 'string'
    ? { reader: entry.reader, isPushed: entry.isPushed === true }
    : undefined;
}

/** Starts the sync; returns its stop function. */
export function syncReaderHistory(deps: ReaderHistoryDeps): () => void {
  const { history } = deps;
  // Asked for by the address at start (a reload): opened once the listing has it.
  let wanted = idFromHref(deps.href());
  let shown: string | undefined;

  const stopWanted = effect(() => {
    // Checked before reading the listing: once done, the effect depends on nothing.
    if (wanted === undefined) return;
    const listed = deps.listed.value;
    if (!listed) return;
    const uidl = listed.find((candidate) => messageId(candidate) === wanted);
    wanted = undefined;
    if (uidl !== undefined) deps.open(uidl);
    else history.replaceState(null, '', withHash(deps.href(), ''));
  });

  const stopReader = effect(() => {
    const uidl = deps.openUidl.value;
    const previous = shown;
    shown = uidl;
    const entry = entryOf(history.state);
    if (uidl !== undefined) {
      if (entry?.reader === uidl) return;
      const url = withHash(deps.href(), `${HASH_PREFIX.slice(1)}${messageId(uidl)}`);
      // j and k move within one entry: Back leaves the reader, not message by message.
      if (entry) history.replaceState({ reader: uidl, isPushed: entry.isPushed }, '', url);
      else if (idFromHref(deps.href()) === messageId(uidl)) {
        history.replaceState({ reader: uidl, isPushed: false }, '', url);
      } else history.pushState({ reader: uidl, isPushed: true }, '', url);
      return;
    }
    if (previous === undefined || !entry) return;
    // Closed in the app (Escape, the Back button, sign-out): leave our entry.
    if (entry.isPushed) history.back();
    else history.replaceState(null, '', withHash(deps.href(), ''));
  });

  const stopPop = deps.onPopState(() => {
    const entry = entryOf(history.state);
    if (!entry) {
      if (shown !== undefined) {
        shown = undefined;
        deps.close();
      }
      return;
    }
    if (entry.reader !== shown && deps.listed.peek()?.includes(entry.reader)) {
      shown = entry.reader;
      deps.open(entry.reader);
    }
  });

  return () => {
    stopWanted();
    stopReader();
    stopPop();
  };
}
