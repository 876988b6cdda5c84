// Language choice: from the browser's languages, switchable, remembered (the
// only thing the app keeps in localStorage); every English key has Chinese words.

import { describe, expect, it } from 'vitest';
import { createI18n, pickLocale } from '../../../client/state/i18n.ts';
import { EN } from '../../../client/state/messages-en.ts';
import { ZH } from '../../../client/state/messages-zh.ts';

describe('i18n', () => {
  it('picks Simplified Chinese for any zh browser language, else English', () => {
    expect(pickLocale(['zh-CN', 'en'])).toBe('zh');
    expect(pickLocale(['zh-TW'])).toBe('zh');
    expect(pickLocale(['en-GB', 'zh-CN'])).toBe('en');
    expect(pickLocale(['de-DE', 'zh'])).toBe('zh');
    expect(pickLocale(['fr'])).toBe('en');
    expect(pickLocale([])).toBe('en');
  });

  it('fills parameters and plurals', () => {
    const i18n = createI18n({ languages: ['en'] });
    expect(i18n.t('status.reconnecting', { seconds: 4 })).toBe('Reconnecting in 4 s…');
    expect(i18n.plural('status.messages', 1)).toBe('1 message');
    expect(i18n.plural('status.messages', 10_000)).toBe('10,000 messages');
    i18n.setLocale('zh');
    expect(i18n.plural('status.messages', 3)).toBe('3 封邮件');
  });

  it('a stored choice wins over the browser language', () => {
    const store = new Map<string, string>([['pop3-webmail.locale', 'zh']]);
    const storage = {
      getItem: (key: string) => store.get(key) ?? null,
      setItem: (key: string, value: string) => void store.set(key, value),
    };
    const i18n = createI18n({ languages: ['en-US'], storage });
    expect(i18n.locale.value).toBe('zh');
    i18n.setLocale('en');
    expect(store.get('pop3-webmail.locale')).toBe('en');
  });

  it('has a Chinese text, with the same parameters, for every English one', () => {
    for (const key of Object.keys(EN) as (keyof typeof EN)[]) {
      const params = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      expect(ZH[key], key).toBeTruthy();
      expect(params(ZH[key]).sort(), key).toEqual(params(EN[key]).sort());
    }
  });
});
