// Builds the web client's stores over a FakeMailbox and a fresh fake
// IndexedDB, the way client/main.tsx builds them over the browser.

import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { vi } from 'vitest';
import { createDatabase, type Database } from '../../client/cache/database.ts';
import type { MessageParser, ParseResult } from '../../client/reader/index.ts';
import { createAppStore, type AppDeps, type AppStore } from '../../client/state/app-store.ts';
import { createI18n } from '../../client/state/i18n.ts';
import { createTabLock } from '../../client/state/tab-lock.ts';
import type { FakeMailbox } from './app-fake-pop3.ts';

/** Give the test a new, empty IndexedDB (fake-indexeddb) as the global one. */
export function freshIndexedDb(): IDBFactory {
  const factory = new IDBFactory();
  vi.stubGlobal('indexedDB', factory);
  return factory;
}

/** A parser that does no MIME work: the subject is the first line's text. */
export const fakeParser: MessageParser = {
  parse(raw): Promise<ParseResult> {
    const text = new TextDecoder().decode(raw);
    return Promise.resolve({
      raw,
      message: {
        subject: /^Subject: (.*)$/m.exec(text)?.[1]?.trim() ?? '',
        from: null,
        to: [],
        cc: [],
        replyTo: [],
        date: null,
        text,
        html: null,
        attachments: [],
      },
    });
  },
  dispose: () => undefined,
};

export interface TestApp {
  store: AppStore;
  database: Database;
}

/** The app's stores over `mailbox`; fake timers are the caller's choice. */
export function buildApp(mailbox: FakeMailbox, overrides: Partial<AppDeps> = {}): TestApp {
  const database = createDatabase();
  const store = createAppStore({
    i18n: createI18n({ languages: ['en'] }),
    connect: mailbox.connect,
    lock: createTabLock({}),
    database,
    loadParser: () => Promise.resolve(fakeParser),
    replyTimeoutMs: 0,
    ...overrides,
  });
  return { store, database };
}

/** Fake timers that leave setImmediate real, so IndexedDB keeps working. */
export function useAppFakeTimers(): void {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
}

/** Let real macrotasks (IndexedDB) and fake time advance together. */
export async function advance(ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= 50) {
    await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(Math.min(50, left));
  }
  await new Promise((resolve) => setImmediate(resolve));
}

/** Wait (with real or fake timers) until `check` holds. */
export async function until(check: () => boolean, what = 'condition', limit = 400): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (check()) return;
    if (vi.isFakeTimers()) {
      // IndexedDB (fake-indexeddb) runs on the real setImmediate: let it turn too.
      await new Promise((resolve) => setImmediate(resolve));
      await vi.advanceTimersByTimeAsync(10);
    } else await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}
