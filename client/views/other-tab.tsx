// Shown when another tab holds this mailbox's POP3 session: POP3 allows one
// session per mailbox, so this tab waits or takes it over.

import type { JSX } from 'preact';
import { useStore } from '../store-context.ts';

/** "Open in another tab" with a button to use the mailbox here instead. */
export function OtherTab(): JSX.Element {
  const { i18n, sessions } = useStore();
  return (
    <main class="sign-in">
      <div class="sign-in-card">
        <p role="status">{i18n.t('lock.elsewhere')}</p>
        <button type="button" class="primary" onClick={() => void sessions.takeOver()}>
          {i18n.t('lock.useHere')}
        </button>
      </div>
    </main>
  );
}
