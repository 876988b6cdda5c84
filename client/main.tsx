// Entry point: builds the stores from their factories, wires the browser's
// WebSocket, IndexedDB, Web Locks and language, fetches api/config, and mounts
// the app. The only module that reaches for browser globals to inject them.

import { effect, signal } from '@preact/signals';
import { render } from 'preact';
import { baseUrl, fetchConfig } from './api.ts';
import { App, type ConfigState } from './app.tsx';
import { createDatabase } from './cache/database.ts';
import { connect, gatewayUrl } from './connection.ts';
import { loadReader } from './lazy-reader.ts';
import type { MessageParser } from './reader/index.ts';
import { createAppStore } from './state/app-store.ts';
import { createI18n } from './state/i18n.ts';
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

const store = createAppStore({
  i18n: createI18n({ languages: navigator.languages, storage: localStorageOrUndefined() }),
  connect: (server, session) => connect({ url: socketUrl, server, session }),
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
  },
});

const config = signal<ConfigState>({ isFailed: false });
fetchConfig(baseUrl(pageUrl)).then(
  (value) => (config.value = { config: value, isFailed: false }),
  () => (config.value = { isFailed: true }),
);

// Once the list is up, fetch the reader's code while the user looks at it.
effect(() => {
  if (store.mailbox.isListed.value) {
    const prefetch = (): void => void loadReader().catch(() => undefined);
    if ('requestIdleCallback' in window) window.requestIdleCallback(prefetch);
    else setTimeout(prefetch, 500);
  }
});

const root = document.getElementById('app');
if (root) render(<App store={store} config={config} />, root);
