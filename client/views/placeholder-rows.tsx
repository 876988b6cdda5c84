// Grey rows drawn while LIST and UIDL are on their way, once STAT has said how
// many messages there are, so a slow link shows a list taking shape, not a blank.

import type { JSX } from 'preact';
import { ROW_HEIGHT } from './message-row.tsx';

/** Enough to fill a screen; more would only cost drawing. */
const PLACEHOLDER_ROWS = 12;

/** Up to a screenful of placeholder rows, hidden from assistive technology. */
export function Placeholders({ count }: { count: number }): JSX.Element {
  const shown = Math.min(count, PLACEHOLDER_ROWS);
  return (
    <>
      {Array.from({ length: shown }, (_, i) => (
        <div
          key={i}
          class="row is-placeholder"
          aria-hidden="true"
          style={{ transform: `translateY(${i * ROW_HEIGHT}px)` }}
        >
          <span class="bar is-from" />
          <span class="bar is-subject" />
        </div>
      ))}
    </>
  );
}
