// The fixed-width choice is remembered on the device, and survives a storage
// that refuses to be written.
import { describe, expect, it } from 'vitest';
import { createReaderPrefs, MONOSPACE_STORAGE_KEY } from '../../../client/state/reader-prefs.ts';

describe('reader prefs', () => {
  it('remembers the fixed-width font across page loads', () => {
    localStorage.clear();
    const first = createReaderPrefs(localStorage);
    expect(first.isMonospace.value).toBe(false);
    first.setMonospace(true);
    expect(localStorage.getItem(MONOSPACE_STORAGE_KEY)).toBe('1');
    expect(createReaderPrefs(localStorage).isMonospace.value).toBe(true);
    first.setMonospace(false);
    expect(createReaderPrefs(localStorage).isMonospace.value).toBe(false);
  });

  it('keeps the choice for the page when storage throws', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
    } as unknown as Storage;
    const prefs = createReaderPrefs(broken);
    prefs.setMonospace(true);
    expect(prefs.isMonospace.value).toBe(true);
  });
});
