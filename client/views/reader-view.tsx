// The reader pane: download progress, then the reader module's MessageContent
// (sanitized frame or linkified text, attachments, .eml) loaded on first use.

import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { loadReader, type ReaderModule } from '../lazy-reader.ts';
import { useStore } from '../store-context.ts';

/** The opened message; Back returns to the list (Esc does too). */
export function ReaderView({ onBack }: { onBack: () => void }): JSX.Element | null {
  const { i18n, reader } = useStore();
  const t = i18n.t;
  const state = reader.state.value;
  const [module, setModule] = useState<ReaderModule | undefined>(undefined);
  const [isModuleFailed, setModuleFailed] = useState(false);

  useEffect(() => {
    let isCurrent = true;
    loadReader().then(
      (loaded) => isCurrent && setModule(loaded),
      () => isCurrent && setModuleFailed(true),
    );
    return () => {
      isCurrent = false;
    };
  }, []);

  if (!state) return null;
  let body: JSX.Element;
  if (state.status === 'ready' && state.result && module) {
    const { MessageContent } = module;
    body = (
      <MessageContent
        key={state.uidl}
        result={state.result}
        locale={i18n.tag.value}
        frameLabels={{
          blocked: (count) => i18n.plural('reader.blocked', count),
          showRemote: t('reader.showRemote'),
          bodyTooLarge: t('reader.bodyTooLarge'),
        }}
      />
    );
  } else if (state.status === 'error' || isModuleFailed) {
    body = (
      <p class="error" role="alert">
        {t(state.errorKey ?? 'reader.failed')}
      </p>
    );
  } else if (state.status === 'loading') {
    body = (
      <div class="reader-progress">
        <p>{t('reader.loading')}</p>
        <progress
          max={Math.max(1, state.expected)}
          value={Math.min(state.received, state.expected)}
          aria-label={t('reader.loading')}
        />
      </div>
    );
  } else {
    body = (
      <p class="reader-progress">
        {t(state.status === 'waiting' ? 'reader.waiting' : 'reader.parsing')}
      </p>
    );
  }
  return (
    <section class="reader" aria-label={t('reader.label')}>
      <div class="reader-bar">
        <button type="button" onClick={onBack}>
          <span aria-hidden="true">←</span> {t('reader.back')}
        </button>
      </div>
      <div class="reader-body">{body}</div>
    </section>
  );
}
