// The status bar: connection state (connected, reconnecting with a countdown,
// offline with the reason), how many messages STAT announced while they load,
// header progress, "4 of 30" while searching, the unread count, when the list
// was updated, pending deletions, and warnings (read-only, APOP not used).

import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { formatTime } from '../format.ts';
import { errorMessageKey } from '../state/errors.ts';
import type { MailboxState } from '../state/session-store.ts';
import { useStore } from '../store-context.ts';
import { PendingSummary } from './pending-summary.tsx';

function useNow(isTicking: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!isTicking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [isTicking]);
  return now;
}

/** What the status bar says for each state of the mailbox connection. */
const STATUS_OF: Record<
  MailboxState['kind'],
  'connected' | 'reconnecting' | 'offline' | 'connecting'
> = {
  'signed-out': 'connecting',
  connecting: 'connecting',
  ready: 'connected',
  committing: 'connected',
  reconnecting: 'reconnecting',
  lost: 'offline',
  'held-elsewhere': 'connecting',
  'signing-out': 'connecting',
};

/** "30 messages", or "4 of 30" while a search leaves some out. */
function Count(): JSX.Element {
  const { i18n, mailbox, pending } = useStore();
  const hidden = pending.hidden.value;
  const total = mailbox.rows.value.filter((row) => !hidden.has(row.uidl)).length;
  if (mailbox.query.value.trim() === '') {
    return <span class="count">{i18n.plural('status.messages', total)}</span>;
  }
  const shown = i18n.formatNumber(mailbox.view.value.length);
  return (
    <span class="count">{i18n.t('list.filtered', { shown, total: i18n.formatNumber(total) })}</span>
  );
}

/** Bottom line of the inbox; its connection part is a polite live region. */
export function StatusBar(): JSX.Element {
  const store = useStore();
  const { i18n, sessions, mailbox, readState } = store;
  const t = i18n.t;
  const { kind } = sessions.state.value;
  const retryAt = sessions.retryAt.value;
  const now = useNow(kind === 'reconnecting');
  const progress = mailbox.progress.value;
  const error = sessions.error.value;
  const updatedAt = store.updatedAt.value;
  // A commit's QUIT and the quiet reconnect after it are "connected" to the reader.
  const shown = STATUS_OF[kind];

  let connection: string;
  if (shown === 'connected') connection = t('status.connected');
  else if (shown === 'reconnecting') {
    const seconds = retryAt === undefined ? 0 : Math.ceil((retryAt - now) / 1000);
    connection = seconds > 0 ? t('status.reconnecting', { seconds }) : t('status.reconnectingNow');
  } else if (shown === 'offline') connection = t('status.offline');
  else connection = t('status.connecting');
  const showRetry = shown === 'offline' || shown === 'reconnecting';

  return (
    <footer class="status-bar">
      <span class={`connection is-${shown}`} role="status" aria-label={t('status.label')}>
        {connection}
        {showRetry && error !== undefined && (
          <span class="reason"> — {t(errorMessageKey(error))}</span>
        )}
      </span>
      {showRetry && (
        <button type="button" onClick={() => sessions.retryNow()}>
          {t('status.retry')}
        </button>
      )}
      {progress.isLoading && progress.total > 0 && (
        <span class="loading">
          <progress max={progress.total} value={progress.loaded} aria-hidden="true" />
          {t('status.headers', {
            loaded: i18n.formatNumber(progress.loaded),
            total: i18n.formatNumber(progress.total),
          })}
        </span>
      )}
      {!mailbox.isListed.value && mailbox.announced.value !== undefined && (
        <span class="loading">{i18n.plural('list.loadingCount', mailbox.announced.value)}</span>
      )}
      {mailbox.isListed.value && !progress.isLoading && <Count />}
      {mailbox.isListed.value && readState.unreadCount.value > 0 && (
        <span class="unread">{i18n.plural('read.unread', readState.unreadCount.value)}</span>
      )}
      {store.isRefreshing.value ? (
        <span class="updated">{t('list.refreshing')}</span>
      ) : (
        updatedAt !== undefined && (
          <span class="updated">
            {t('list.updated', { time: formatTime(updatedAt, i18n.tag.value) })}
          </span>
        )
      )}
      {mailbox.isReadOnly.value && <span class="error">{t('mailbox.readOnly')}</span>}
      {sessions.isApopIgnored.value && <span class="error">{t('status.apopIgnored')}</span>}
      <PendingSummary />
    </footer>
  );
}
