// The language switch: English or Simplified Chinese, shown on every page.

import type { JSX } from 'preact';
import { useStore } from '../store-context.ts';
import { LOCALES, type Locale } from '../state/i18n.ts';

/** A labelled select bound to the language store. */
export function LanguageSelect(): JSX.Element {
  const { i18n } = useStore();
  return (
    <label class="language-select">
      <span>{i18n.t('settings.language')}</span>
      <select
        value={i18n.locale.value}
        onChange={(event) => i18n.setLocale(event.currentTarget.value as Locale)}
      >
        {LOCALES.map((locale) => (
          <option key={locale} value={locale} lang={locale === 'zh' ? 'zh-CN' : 'en'}>
            {i18n.t(`language.${locale}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
