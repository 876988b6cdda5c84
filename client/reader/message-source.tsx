// "View source": the raw message as plain text in the app, a Preact text node in
// a <pre>. Never parsed, linkified or put in a frame: nothing in it can run.
import type { JSX } from 'preact';
import { useMemo } from 'preact/hooks';

/** Bytes of source shown; the .eml download keeps every byte past it. */
export const MAX_SOURCE_BYTES = 1_000_000;

/**
 * The raw bytes as text. Headers are ASCII and most bodies UTF-8 or transfer-encoded;
 * a legacy 8-bit body shows replacement characters, as any source viewer does.
 */
export function sourceText(raw: Uint8Array, limit: number = MAX_SOURCE_BYTES): string {
  return new TextDecoder('utf-8').decode(raw.subarray(0, limit));
}

/** Props of {@link MessageSource}. */
export interface MessageSourceProps {
  raw: Uint8Array;
  /** Said when the source is cut at {@link MAX_SOURCE_BYTES}. */
  truncatedNote: string;
  label: string;
}

/** The raw message, monospace, wrapped, focusable so it scrolls by keyboard. */
export function MessageSource({ raw, truncatedNote, label }: MessageSourceProps): JSX.Element {
  const text = useMemo(() => sourceText(raw), [raw]);
  return (
    <div class="message-source">
      {raw.length > MAX_SOURCE_BYTES && (
        <p class="notice" role="note">
          {truncatedNote}
        </p>
      )}
      <pre tabIndex={0} aria-label={label}>
        {text}
      </pre>
    </div>
  );
}
