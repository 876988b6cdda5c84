// The keyboard shortcuts, shown on `?`: one table from keyboard.ts's actions
// to the keys that trigger them, in the chosen language.

import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { MessageKey } from '../state/i18n.ts';
import { useStore } from '../store-context.ts';

/** Keys as people type them, each with what it does (keyboard.ts decides the mapping). */
const SHORTCUTS: readonly (readonly [string, MessageKey])[] = [
  ['j / ↓', 'list.key.next'],
  ['k / ↑', 'list.key.previous'],
  ['Enter / o', 'list.key.open'],
  ['Esc', 'list.key.back'],
  ['x', 'list.key.toggle'],
  ['Ctrl / ⌘ + A', 'list.key.selectAll'],
  ['Shift + I', 'list.key.markRead'],
  ['Shift + U', 'list.key.markUnread'],
  ['Delete / #', 'list.key.delete'],
  ['u', 'list.key.undo'],
  ['/', 'list.key.search'],
  ['r', 'list.key.refresh'],
  ['?', 'list.key.help'],
];

/** A non-modal dialog; Esc or Close dismisses it. */
export function ShortcutsHelp({ onClose }: { onClose: () => void }): JSX.Element {
  const { i18n } = useStore();
  const t = i18n.t;
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), []);
  return (
    <div
      class="settings shortcuts"
      role="dialog"
      aria-label={t('list.shortcuts')}
      onKeyDown={(event) => {
        if (event.key !== 'Escape' && event.key !== '?') return;
        event.stopPropagation();
        event.preventDefault();
        onClose();
      }}
    >
      <h2>{t('list.shortcuts')}</h2>
      <table>
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={what}>
              <td>
                <kbd>{keys}</kbd>
              </td>
              <td>{t(what)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button ref={closeRef} type="button" onClick={onClose}>
        {t('list.shortcutsClose')}
      </button>
    </div>
  );
}
