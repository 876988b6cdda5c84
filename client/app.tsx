// The root view: sign-in, "open in another tab", or the inbox, from the
// session store's state. Stores arrive through the context, built in main.tsx.

import { computed, type ReadonlySignal } from '@preact/signals';
import type { JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import type { GatewayConfig } from './api.ts';
import type { AppStore } from './state/app-store.ts';
import { syncReaderHistory } from './state/reader-history.ts';
import { StoreContext, useStore } from './store-context.ts';
import { Inbox } from './views/inbox.tsx';
import { OtherTab } from './views/other-tab.tsx';
import { SignIn } from './views/sign-in.tsx';

export interface ConfigState {
  config?: GatewayConfig;
  isFailed: boolean;
}

function Shell({ config }: { config: ReadonlySignal<ConfigState> }): JSX.Element {
  const { i18n, sessions, mailbox } = useStore();
  const { kind } = sessions.state.value;
  useEffect(() => {
    document.documentElement.lang = i18n.tag.value;
    document.title = i18n.t('app.title');
  }, [i18n.tag.value]);
  if (kind === 'held-elsewhere') return <OtherTab />;
  // The form stays until the first listing, so a refused password leaves it as it was.
  const isSignedIn = kind !== 'signed-out' && (kind !== 'connecting' || mailbox.isListed.value);
  if (!isSignedIn) {
    return <SignIn config={config.value.config} isConfigFailed={config.value.isFailed} />;
  }
  return <Inbox />;
}

/** Opening a message adds a history entry; Back and a reload follow it. */
function useReaderHistory(store: AppStore): void {
  useEffect(() => {
    const { mailbox, reader, selection } = store;
    return syncReaderHistory({
      history: window.history,
      href: () => window.location.href,
      onPopState(listener) {
        window.addEventListener('popstate', listener);
        return () => window.removeEventListener('popstate', listener);
      },
      openUidl: computed(() => reader.state.value?.uidl),
      listed: computed(() =>
        mailbox.isListed.value ? mailbox.rows.value.map((row) => row.uidl) : undefined,
      ),
      open(uidl) {
        selection.setCursor(uidl);
        void reader.open(uidl);
      },
      close: () => reader.close(),
    });
  }, [store]);
}

/** The app, given its stores and the gateway configuration as it loads. */
export function App(props: { store: AppStore; config: ReadonlySignal<ConfigState> }): JSX.Element {
  useReaderHistory(props.store);
  return (
    <StoreContext.Provider value={props.store}>
      <Shell config={props.config} />
    </StoreContext.Provider>
  );
}
