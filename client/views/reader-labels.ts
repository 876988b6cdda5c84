// The reader module's labels in the chosen language: the reader chunk stays free
// of the app's message tables, and every text it shows comes from them.

import type { HeaderLabels, MessageFrameLabels } from '../reader/index.ts';
import type { I18n } from '../state/i18n.ts';

/** Header names and fixed texts of the header block. */
export function headerLabels(i18n: I18n): HeaderLabels {
  const t = i18n.t;
  return {
    from: t('reader.from'),
    to: t('reader.to'),
    cc: t('reader.cc'),
    replyTo: t('reader.replyTo'),
    date: t('reader.date'),
    noSubject: t('reader.noSubject'),
    andMore: (count) => t('reader.andMore', { count: i18n.formatNumber(count) }),
  };
}

/** Texts of the remote-content bar and the size-cap note. */
export function frameLabels(i18n: I18n): MessageFrameLabels {
  return {
    blocked: (count) => i18n.plural('reader.blocked', count),
    showRemote: i18n.t('reader.showRemote'),
    bodyTooLarge: i18n.t('reader.bodyTooLarge'),
  };
}
