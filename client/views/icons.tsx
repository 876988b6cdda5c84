// Line icons for the toolbar, drawn in currentColor so light and dark themes
// need nothing of their own, and the icon button that carries them with its name.

import type { JSX } from 'preact';

const PATHS = {
  refresh: 'M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7',
  delete: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6',
  read: 'M3 10l9-6 9 6v10H3zM3 10l9 6 9-6',
  unread: 'M3 6h18v12H3zM3 6l9 7 9-7',
  settings:
    'M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM19 12l2-1-1-3-2 .3-1.3-1.3.3-2-3-1-1 2h-2l-1-2-3 1 .3 2L6 7.3 4 7l-1 3 2 1v2l-2 1 1 3 2-.3 1.3 1.3-.3 2 3 1 1-2h2l1 2 3-1-.3-2 1.3-1.3 2 .3 1-3-2-1z',
  signOut: 'M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10',
  help: 'M9.5 9a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6V14M12 17.5v.5',
} as const;

export type IconName = keyof typeof PATHS;

/** A 18 px icon, hidden from assistive technology (its button carries the name). */
export function Icon({ name }: { name: IconName }): JSX.Element {
  return (
    <svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
      <path
        d={PATHS[name]}
        fill="none"
        stroke="currentColor"
        stroke-width="1.8"
        stroke-linecap="round"
        stroke-linejoin="round"
      />
    </svg>
  );
}

export interface ActionProps {
  icon: IconName;
  label: string;
  onClick: () => void;
  disabled?: boolean;
  isBusy?: boolean;
}

/** An icon button whose text shows beside the icon where there is room (CSS hides it on a phone). */
export function Action(props: ActionProps): JSX.Element {
  return (
    <button
      type="button"
      class={props.isBusy ? 'action is-busy' : 'action'}
      aria-label={props.label}
      aria-busy={props.isBusy ? 'true' : undefined}
      title={props.label}
      onClick={props.onClick}
      disabled={props.disabled}
    >
      <Icon name={props.icon} />
      <span class="action-label" aria-hidden="true">
        {props.label}
      </span>
    </button>
  );
}
