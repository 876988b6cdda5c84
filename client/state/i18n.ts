// The language store: English or Simplified Chinese, chosen from the browser's
// languages and switchable; the choice is kept in localStorage.

import { computed, signal, type ReadonlySignal } from '@preact/signals';
import { EN, type MessageKey } from './messages-en.ts';
import { ZH } from './messages-zh.ts';

export type { MessageKey } from './messages-en.ts';

export type Locale = 'en' | 'zh';
export const LOCALES: readonly Locale[] = ['en', 'zh'];
/** The localStorage key of the language; it holds 'en' or 'zh' (keep-mail.ts has the other). */
export const LOCALE_STORAGE_KEY = 'pop3-webmail.locale';

const TABLES: Record<Locale, Readonly<Record<MessageKey, string>>> = { en: EN, zh: ZH };
/** BCP 47 tags for Intl formatting. */
const TAGS: Record<Locale, string> = { en: 'en', zh: 'zh-CN' };

type Params = Record<string, string | number>;
type PluralBase<K extends string> = K extends `${infer Base}.one` ? Base : never;
export type PluralKey = PluralBase<MessageKey>;

export interface I18n {
  locale: ReadonlySignal<Locale>;
  /** BCP 47 tag of the current locale. */
  tag: ReadonlySignal<string>;
  setLocale: (locale: Locale) => void;
  t: (key: MessageKey, params?: Params) => string;
  /** `base.one` for 1, `base.other` otherwise. */
  plural: (base: PluralKey, count: number) => string;
  formatNumber: (value: number) => string;
}

/** The first browser language we speak; any `zh` variant gets Simplified Chinese. */
export function pickLocale(languages: readonly string[]): Locale {
  for (const language of languages) {
    const primary = language.toLowerCase().split('-')[0];
    if (primary === 'zh') return 'zh';
    if (primary === 'en') return 'en';
  }
  return 'en';
}

function fill(text: string, params: Params | undefined): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

export interface I18nOptions {
  languages?: readonly string[];
  storage?: Pick<Storage, 'getItem' | 'setItem'> | undefined;
}

/** Build the language store; a stored choice wins over the browser's languages. */
export function createI18n(options: I18nOptions = {}): I18n {
  const { storage } = options;
  let stored: string | null = null;
  try {
    stored = storage?.getItem(LOCALE_STORAGE_KEY) ?? null;
  } catch {
    // Storage can throw when disabled; the browser's languages decide then.
  }
  const initial = LOCALES.includes(stored as Locale)
    ? (stored as Locale)
    : pickLocale(options.languages ?? []);
  const locale = signal<Locale>(initial);
  const tag = computed(() => TAGS[locale.value]);
  const numbers = computed(() => new Intl.NumberFormat(tag.value));
  const t = (key: MessageKey, params?: Params): string => fill(TABLES[locale.value][key], params);
  return {
    locale,
    tag,
    setLocale(next) {
      locale.value = next;
      try {
        storage?.setItem(LOCALE_STORAGE_KEY, next);
      } catch {
        // Not remembered; still switched for this page.
      }
    },
    t,
    plural(base, count) {
      const key = (count === 1 ? `${base}.one` : `${base}.other`) as MessageKey;
      return t(key, { count: numbers.value.format(count) });
    },
    formatNumber: (value) => numbers.value.format(value),
  };
}
