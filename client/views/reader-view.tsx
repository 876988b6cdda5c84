// The reader pane: download progress, then the reader module's MessageContent
// (sanitized frame or linkified text, attachments, .eml) loaded on first use;
// its bar: Back, Print, View source, and the fixed-width choice for plain text.

import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { loadReader, type ReaderModule } from '../lazy-reader.ts';
import { readerPrefs } from '../state/reader-prefs.ts';
import { useStore } from '../store-context.ts';
import { frameLabels, headerLabels } from './reader-labels.ts';

/** The opened message; Back returns to the list (Esc does too). */
export function ReaderView({ onBack }: { onBack: () => void }): JSX.Element | null {
  const { i18n, reader } = useStore();
  const t = i18n.t;
  const prefs = readerPrefs();
  const state = reader.state.value;
  const [module, setModule] = useState<ReaderModule | undefined>(undefined);
  const [isModuleFailed, setModuleFailed] = useState(false);
  // Keyed by message: the next message opens as a message, not as source.
  const [sourceOf, setSourceOf] = useState<string | undefined>(undefined);
  const section = useRef<HTMLElement>(null);
  useListFocusOnClose(section);

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
  const result = state.status === 'ready' && module ? state.result : undefined;
  const isSource = result !== undefined && sourceOf === state.uidl;
  const isPlainText = result !== undefined && result.message.html === null;
  let body: JSX.Element;
  if (result && module && isSource) {
    body = (
      <module.MessageSource
        raw={result.raw}
        label={t('reader.source')}
        truncatedNote={t('reader.sourceTruncated')}
      />
    );
  } else if (result && module) {
    body = (
      <module.MessageContent
        key={state.uidl}
        result={result}
        locale={i18n.tag.value}
        frameLabels={frameLabels(i18n)}
        headerLabels={headerLabels(i18n)}
        downloadLabel={t('reader.download')}
        isMonospace={prefs.isMonospace.value}
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
    <section ref={section} class="reader" aria-label={t('reader.label')}>
      <div class="reader-bar" role="toolbar" aria-label={t('reader.actions')}>
        <button type="button" onClick={onBack}>
          <span aria-hidden="true">←</span> {t('reader.back')}
        </button>
        <span class="spacer" />
        {isPlainText && !isSource && (
          <button
            type="button"
            aria-pressed={prefs.isMonospace.value}
            onClick={() => prefs.setMonospace(!prefs.isMonospace.value)}
          >
            {t('reader.monospace')}
          </button>
        )}
        <button
          type="button"
          disabled={!result}
          aria-pressed={isSource}
          onClick={() => setSourceOf(isSource ? undefined : state.uidl)}
        >
          {t('reader.viewSource')}
        </button>
        {/* The print style sheet leaves only this pane's message on paper. */}
        <button type="button" disabled={!result} onClick={() => window.print()}>
          {t('reader.print')}
        </button>
      </div>
      <div class="reader-body">{body}</div>
    </section>
  );
}

/**
 * When the reader goes (Escape, Back, the browser's Back) with the keyboard in
 * it, the list gets the keyboard. At phone width the list is hidden until the
 * reader is gone, so an earlier focus() would be lost.
 */
function useListFocusOnClose(section: { current: HTMLElement | null }): void {
  useEffect(() => {
    const reader = section.current;
    return () => {
      const active = document.activeElement;
      if (active && active !== document.body && !reader?.contains(active)) return;
      document.querySelector<HTMLElement>('.message-list')?.focus();
    };
  }, []);
}
