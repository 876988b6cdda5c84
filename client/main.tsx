// Entry point: builds the stores from their factories, wires the browser's
// WebSocket, IndexedDB, Web Locks and language, fetches api/config, and mounts
// the app. The only module that reaches for browser globals to inject them.

import { effect, signal } from '@preact/signals';
import { render } from 'preact';
import type { Pop3SessionOptions } from '../shared/pop3/index.ts';
import { baseUrl, fetchConfig } from './api.ts';
import { App, type ConfigState } from './app.tsx';
import { createDatabase } from './cache/database.ts';
import { connect, gatewayUrl } from './connection.ts';
import { formatFullDate, formatListDate } from './format.ts';
import { loadReader } from './lazy-reader.ts';
import { createPreconnector } from './preconnect.ts';
import type { MessageParser } from './reader/index.ts';
import { createAppStore } from './state/app-store.ts';
import { createI18n } from './state/i18n.ts';
import { sessionOptions } from './state/pop3-link.ts';
import { createTabLock } from './state/tab-lock.ts';
import './app.css';

function localStorageOrUndefined(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

const pageUrl = window.location.href;
const socketUrl = gatewayUrl(pageUrl);
let parser: MessageParser | undefined;
const openSession = (server: string, session: Pop3SessionOptions) =>
  connect({ url: socketUrl, server, session });
// The options a first sign-in asks for, from where the session store takes them.
const preconnector = createPreconnector({ connect: openSession, options: sessionOptions() });

const storage = localStorageOrUndefined();
const store = createAppStore({
  i18n: createI18n({ languages: navigator.languages, storage }),
  storage,
  connect: (server, session) => preconnector.take(server, session) ?? openSession(server, session),
  preconnect: preconnector,
  lock: createTabLock({
    locks: 'locks' in navigator ? navigator.locks : undefined,
    createChannel:
      typeof BroadcastChannel === 'undefined' ? undefined : (name) => new BroadcastChannel(name),
  }),
  database: createDatabase(),
  loadParser: async () => (parser ??= (await loadReader()).createMessageParser()),
  network: {
    isOnline: () => navigator.onLine,
    onOnline(listener) {
      window.addEventListener('online', listener);
      return () => window.removeEventListener('online', listener);
    },
    onOffline(listener) {
      window.addEventListener('offline', listener);
      return () => window.removeEventListener('offline', listener);
    },
  },
});

const config = signal<ConfigState>({ isFailed: false });
fetchConfig(baseUrl(pageUrl)).then(
  (value) => (config.value = { config: value, isFailed: false }),
  () => (config.value = { isFailed: true }),
);

function whenIdle(task: () => void): void {
  if ('requestIdleCallback' in window) window.requestIdleCallback(task);
  else setTimeout(task, 500);
}

// Once the first headers are on screen, fetch the reader's code while the user
// looks at them (earlier, its parsing would compete with drawing the list).
let isReaderFetched = false;
effect(() => {
  if (isReaderFetched || !store.mailbox.isListed.value) return;
  if (store.mailbox.progress.value.loaded === 0) return;
  isReaderFetched = true;
  whenIdle(() => void loadReader().catch(() => undefined));
});

// The first Intl formatter of a page costs milliseconds (locale data): pay it
// while the sign-in form waits, not while the list is drawn.
whenIdle(() => {
  const { i18n } = store;
  i18n.formatNumber(0);
  formatListDate(Date.now(), i18n.tag.value);
  formatListDate(0, i18n.tag.value);
  formatFullDate(0, i18n.tag.value);
});

const root = document.getElementById('app');
if (root) render(<App store={store} config={config} />, root);
