// The reader's choices remembered on this device (localStorage): today the
// fixed-width font for plain text. Nothing about a message or an account.

import { signal, type ReadonlySignal } from '@preact/signals';

export const MONOSPACE_STORAGE_KEY = 'pop3-webmail.reader.monospace';

export interface ReaderPrefs {
  isMonospace: ReadonlySignal<boolean>;
  setMonospace: (isOn: boolean) => void;
}

/** Prefs kept in `storage`; without one (private mode, blocked) they last the page. */
export function createReaderPrefs(storage: Storage | undefined): ReaderPrefs {
  const read = (): boolean => {
    try {
      return storage?.getItem(MONOSPACE_STORAGE_KEY) === '1';
    } catch {
      return false;
    }
  };
  const isMonospace = signal(read());
  return {
    isMonospace,
    setMonospace(isOn) {
      isMonospace.value = isOn;
      try {
        if (isOn) storage?.setItem(MONOSPACE_STORAGE_KEY, '1');
        else storage?.removeItem(MONOSPACE_STORAGE_KEY);
      } catch {
        // A full or blocked storage keeps the choice for this page only.
      }
    },
  };
}

let shared: ReaderPrefs | undefined;

/** The page's prefs, on its localStorage when the browser lets us have one. */
export function readerPrefs(): ReaderPrefs {
  if (shared) return shared;
  let storage: Storage | undefined;
  try {
    storage = globalThis.localStorage;
  } catch {
    storage = undefined;
  }
  return (shared = createReaderPrefs(storage));
}
