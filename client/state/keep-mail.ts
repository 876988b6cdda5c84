// The device's answer to "Keep mail on this device": whether the header cache
// (and the read state, drafts and sent list that live beside it) stays in
// IndexedDB between sign-ins. Unticked until someone ticks it once on this
// device; the answer, a '1' or '0' and nothing else, is kept in localStorage.

import { effect, signal, type Signal } from '@preact/signals';

export const KEEP_MAIL_STORAGE_KEY = 'pop3-webmail.keep-mail';

/** The choice as a signal; setting it remembers it on this device. */
export function createKeepMailChoice(storage: Storage | undefined): Signal<boolean> {
  let stored: string | null = null;
  try {
    stored = storage?.getItem(KEEP_MAIL_STORAGE_KEY) ?? null;
  } catch {
    // Storage blocked: the choice lasts as long as the tab.
  }
  const keep = signal(stored === '1');
  effect(() => {
    const value = keep.value ? '1' : '0';
    try {
      if (storage && storage.getItem(KEEP_MAIL_STORAGE_KEY) !== value) {
        storage.setItem(KEEP_MAIL_STORAGE_KEY, value);
      }
    } catch {
      // As above.
    }
  });
  return keep;
}
