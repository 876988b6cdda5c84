// The app's stores, handed to views through one Preact context so a view can
// be rendered in a test with any store built by the same factories.

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { AppStore } from './state/app-store.ts';

export const StoreContext = createContext<AppStore | undefined>(undefined);

/** The stores of the nearest provider; a view outside one is a programming error. */
export function useStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStore() outside <StoreContext.Provider>');
  return store;
}
