// The reader's code (DOMPurify, and the postal-mime worker behind it) loads on
// the first opened message, never with the inbox: the initial bundle stays small.

import type * as Reader from './reader/index.ts';

/** The reader module's exports. */
export type ReaderModule = typeof Reader;

let loading: Promise<ReaderModule> | undefined;

/** The reader module, imported once; a failed import is tried again next time. */
export function loadReader(): Promise<ReaderModule> {
  loading ??= import('./reader/index.ts').catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
