// What is pending deletion, in plain words, with the subjects on request:
// in the Undo window, being deleted, or waiting for the connection to return.

import type { JSX } from 'preact';
import { errorMessageKey } from '../state/errors.ts';
import { useStore } from '../store-context.ts';

const MAX_LISTED = 50;

/** Nothing when nothing is pending. */
export function PendingSummary(): JSX.Element | null {
  const { i18n, pending, mailbox, sessions } = useStore();
  const entries = pending.entries.value;
  const refusal = pending.lastError.value;
  if (entries.length === 0) {
    return refusal === undefined ? null : (
      <span class="error">{i18n.t(errorMessageKey(refusal))}</span>
    );
  }
  const waiting = entries.filter((entry) => entry.state === 'waiting').length;
  const rest = entries.length - waiting;
  const { kind } = sessions.state.value;
  const isConnected = kind === 'ready' || kind === 'committing';
  const parts: string[] = [];
  if (waiting > 0) parts.push(i18n.plural('pending.waiting', waiting));
  if (rest > 0) parts.push(i18n.plural(isConnected ? 'pending.applying' : 'pending.queued', rest));
  return (
    <details class="pending">
      <summary>{parts.join(' · ')}</summary>
      <ul aria-label={i18n.t('pending.list')}>
        {entries.slice(0, MAX_LISTED).map((entry) => {
          const header = mailbox.row(entry.uidl)?.header;
          return (
            <li key={entry.uidl}>
              <bdi>
                {header
                  ? `${header.from} — ${header.subject || i18n.t('list.noSubject')}`
                  : entry.uidl}
              </bdi>
            </li>
          );
        })}
      </ul>
    </details>
  );
}
