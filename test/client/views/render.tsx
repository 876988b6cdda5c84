// Renders the app (or one view) with real stores into happy-dom, for view tests.

import { signal } from '@preact/signals';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { vi } from 'vitest';
import { App, type ConfigState } from '../../../client/app.tsx';
import type { AppStore } from '../../../client/state/app-store.ts';

export const CONFIG = signal<ConfigState>({
  config: {
    servers: [{ id: 'main', label: 'Example' }],
    demo: { username: 'demo', password: 'demo' },
  },
  isFailed: false,
});

export interface Mounted {
  root: HTMLElement;
  unmount(): void;
}

/** Mount the whole app for `store` into a fresh container. */
export function mountApp(store: AppStore): Mounted {
  const root = document.createElement('div');
  document.body.append(root);
  void act(() => render(<App store={store} config={CONFIG} />, root));
  return {
    root,
    unmount: () => {
      void act(() => render(null, root));
      root.remove();
    },
  };
}

/** Let signals, effects and promises settle. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await act(async () => {
      if (vi.isFakeTimers()) await vi.advanceTimersByTimeAsync(1);
      else await new Promise((resolve) => setTimeout(resolve, 0));
    });
  }
}

/** A key press on the focused element (or the document). */
export async function press(
  key: string,
  target: EventTarget = document.activeElement ?? document.body,
): Promise<void> {
  await act(() => {
    target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  });
}
