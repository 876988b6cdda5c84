// Shows a plain-text body as Preact text nodes with its links made clickable. No
// HTML string is ever built from mail text here (docs/security.md #51, #52).
import type { JSX } from 'preact';
import { useMemo } from 'preact/hooks';
import { linkifyText } from './linkify.ts';

/** Props of {@link PlainTextBody}. */
export interface PlainTextBodyProps {
  /** The decoded text body; untrusted. */
  text: string;
  /** Fixed-width font, for mail that aligns columns with spaces. */
  isMonospace?: boolean;
}

/**
 * Renders text with line breaks kept and https/http/mailto links as anchors that
 * open in a new, unrelated tab. Hovering shows the real destination.
 */
export function PlainTextBody({ text, isMonospace = false }: PlainTextBodyProps): JSX.Element {
  const tokens = useMemo(() => linkifyText(text), [text]);
  return (
    <div
      class={isMonospace ? 'message-text is-monospace' : 'message-text'}
      style={{ whiteSpace: 'pre-wrap', overflowWrap: 'break-word' }}
    >
      {tokens.map((token) =>
        token.type === 'text' ? (
          token.value
        ) : (
          <a href={token.href} title={token.href} target="_blank" rel="noopener noreferrer">
            {token.text}
          </a>
        ),
      )}
    </div>
  );
}
