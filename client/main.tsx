// Entry point: builds the stores from their factories, wires the browser's
// WebSocket, IndexedDB, Web Locks and language, fetches api/config, and mounts
// the app. The only module that reaches for browser globals to inject them.

import { effect, signal } from '@preact/signals';
import { render } from 'preact';
import type { Pop3SessionOptions } from '../shared/pop3/index.ts';
import { baseUrl, fetchConfig } from './api.ts';
import { App, type ConfigState } from './app.tsx';
import { accountKey, createDatabase } from './cache/database.ts';
import { connect, gatewayUrl } from './connection.ts';
import { formatFullDate, formatListDate } from './format.ts';
import { loadReader } from './lazy-reader.ts';
import { createPreconnector } from './preconnect.ts';
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
/** What the session store asks for on a first sign-in (its reply timeout made explicit). */
const SESSION_OPTIONS: Pop3SessionOptions = { pipelining: 'auto', replyTimeoutMs: 60_000 };

const openSession = (server: string, session: Pop3SessionOptions) =>
  connect({ url: socketUrl, server, session });
const preconnector = createPreconnector({ connect: openSession, options: SESSION_OPTIONS });

const store = createAppStore({
  i18n: createI18n({ languages: navigator.languages, storage: localStorageOrUndefined() }),
  connect: (server, session) => preconnector.take(server, session) ?? openSession(server, session),
  replyTimeoutMs: SESSION_OPTIONS.replyTimeoutMs,
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

// Someone at the sign-in form is about to sign in: open their session now, so
// the connection and the server's greeting are not waited for after "Sign in".
function warmUp(event: Event): void {
  if (store.sessions.status.value !== 'signed-out') return;
  const form = event.target instanceof Element ? event.target.closest('form') : null;
  if (!form) return;
  const servers = config.value.config?.servers ?? [];
  const picked = form.querySelector('select')?.value;
  const server = servers.find((entry) => entry.id === picked)?.id ?? servers[0]?.id;
  if (server === undefined) return;
  preconnector.warm(server);
  // Past the username (at the password or the button), read that account's
  // cached headers now: after "Sign in" the reading would compete with login.
  const target = event.target;
  const isPastUsername =
    target instanceof HTMLButtonElement ||
    (target instanceof HTMLInputElement && target.type === 'password');
  const username = form.querySelector<HTMLInputElement>('input[name="username"]')?.value.trim();
  if (isPastUsername && username) store.mailbox.prepare(accountKey({ server, username }));
}
for (const type of ['focusin', 'pointerdown', 'input']) {
  document.addEventListener(type, warmUp, { capture: true, passive: true });
}
// Signed in (it was taken) or the mailbox is open in another tab: nothing waits for it.
effect(() => {
  const status = store.sessions.status.value;
  if (status !== 'signed-out' && status !== 'signing-in') preconnector.discard();
});

const root = document.getElementById('app');
if (root) render(<App store={store} config={config} />, root);
