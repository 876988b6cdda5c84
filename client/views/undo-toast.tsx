// The toast after a deletion: "Deleted 3 · Undo" for as long as the Undo
// window is open, and, when someone signs out meanwhile, what sign-out waits for.

import type { JSX } from 'preact';
import { undoToastOf } from '../state/undo-toast.ts';
import { useStore } from '../store-context.ts';

/** A polite live region at the bottom of the inbox; nothing when there is nothing to undo. */
export function UndoToast(): JSX.Element | null {
  const store = useStore();
  const { i18n, pending } = store;
  const toast = undoToastOf(pending.entries.value);
  // Sign-out waits out the window, then sends the deletion: say so rather than grey out.
  const isWaiting = store.isSigningOut.value && pending.entries.value.length > 0;
  if (!toast && !isWaiting) return null;
  return (
    <div class="toast" role="status">
      <span>
        {isWaiting || !toast ? i18n.t('list.signingOut') : i18n.plural('list.deleted', toast.count)}
      </span>
      {toast && (
        <button type="button" class="toast-action" onClick={() => store.undo()}>
          {i18n.t('list.undo')}
        </button>
      )}
    </div>
  );
}
