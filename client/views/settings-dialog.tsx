// Settings: the language, and whether this device keeps mail between sign-ins
// (the cached message list and pending deletions in IndexedDB).

import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useStore } from '../store-context.ts';
import { LanguageSelect } from './language-select.tsx';

/** A small non-modal dialog; Esc or Close dismisses it. */
export function SettingsDialog({ onClose }: { onClose: () => void }): JSX.Element {
  const { i18n, keepMail } = useStore();
  const t = i18n.t;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.querySelector<HTMLElement>('select, input, button')?.focus(), []);
  return (
    <div
      ref={ref}
      class="settings"
      role="dialog"
      aria-label={t('settings.title')}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.stopPropagation();
        onClose();
      }}
    >
      <h2>{t('settings.title')}</h2>
      <LanguageSelect />
      <label class="check">
        <input
          type="checkbox"
          checked={keepMail.value}
          onChange={(event) => (keepMail.value = event.currentTarget.checked)}
        />
        <span>{t('keepMail.label')}</span>
      </label>
      <p class="note">{t('keepMail.note')}</p>
      <button type="button" onClick={onClose}>
        {t('settings.close')}
      </button>
    </div>
  );
}
