// The sandboxed frame that shows a sanitized HTML body, and the bar that says how
// much remote content was held back. It never touches the mail's HTML itself.
import type { JSX } from 'preact';
import { useRef } from 'preact/hooks';
import { isForwardedFromFrame } from '../keyboard.ts';
import { trustedFrameHtml } from '../trusted-types.ts';
import { fitFrame, forwardKeys } from './frame-fit.ts';

/**
 * Sandbox tokens of the message frame (docs/security.md #42). No `allow-scripts`: nothing
 * in the mail runs, not an inline handler, not a `javascript:` URL. Popups, so links
 * open in a new tab, escaping the sandbox so the opened site works normally.
 * `allow-same-origin` lets the page (never the mail) reach the frame document: to
 * size the frame to its content and to hear its key presses. That is safe only
 * because no script can run inside: the origin grants power to code, and the frame
 * has none; the meta CSP and the sanitizer stay in front of every load. Never add
 * `allow-scripts` next to it: together they let the mail remove its own sandbox.
 * No forms, top navigation or modals.
 */
export const MESSAGE_FRAME_SANDBOX =
  'allow-same-origin allow-popups allow-popups-to-escape-sandbox';

/**
 * The sandbox once the reader allowed remote content: opaque again. Chromium sends
 * the app's address as `Referer` with CSS images (`background: url()`) of a
 * same-origin document, whatever its referrer policy; an opaque frame sends none.
 * The frame then keeps the height it had and scrolls inside, and keys pressed in
 * it stay there: the price of not telling image hosts who reads.
 */
export const REMOTE_FRAME_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';

/** Texts of the remote-content bar; English by default, injectable for translations. */
export interface MessageFrameLabels {
  blocked: (count: number) => string;
  showRemote: string;
  /** Said instead of the body when it is past the reader's size caps. */
  bodyTooLarge: string;
}

export const ENGLISH_FRAME_LABELS: MessageFrameLabels = {
  blocked: (count) => `${count} remote ${count === 1 ? 'item' : 'items'} blocked`,
  showRemote: 'Show remote content',
  bodyTooLarge:
    'This message is too large to show here in full. Download the message to read all of it.',
};

/** Props of {@link MessageFrame}. */
export interface MessageFrameProps {
  /** `html` of sanitizeMessageHtml(): the only value ever given to srcdoc. */
  document: string;
  /** `blockedRemote` of the same call; the bar shows when it is above 0. */
  blockedRemote: number;
  /** Re-sanitize with `allowRemote: true`; the button is hidden without it. */
  onShowRemote?: () => void;
  /** Fired when the frame document (and its allowed images) finished loading. */
  onLoad?: () => void;
  labels?: MessageFrameLabels;
  /** The document loads remote images: the frame is opaque ({@link REMOTE_FRAME_SANDBOX}). */
  isRemoteAllowed?: boolean;
}

/**
 * Renders a sanitized message document in the sandboxed frame titled "Message body",
 * as tall as its content and scaled to the frame's width when it is wider.
 */
export function MessageFrame(props: MessageFrameProps): JSX.Element {
  const labels = props.labels ?? ENGLISH_FRAME_LABELS;
  const release = useRef<(() => void)[]>([]);
  // The fitted height, kept for the opaque frame that replaces this one on opt-in.
  const fitted = useRef<string | undefined>(undefined);
  const isRemote = props.isRemoteAllowed === true;
  const onLoad = (event: Event): void => {
    const frame = event.currentTarget as HTMLIFrameElement;
    for (const stop of release.current.splice(0)) stop();
    const doc = isRemote ? null : frame.contentDocument;
    // Without a document (opaque after opt-in) it keeps its last fitted height.
    if (doc?.body) {
      release.current.push(
        fitFrame(frame, doc, (height) => (fitted.current = height)),
        forwardKeys(frame, doc, isForwardedFromFrame),
      );
    }
    props.onLoad?.();
  };
  return (
    <div class="message-frame">
      {props.blockedRemote > 0 && (
        <div class="message-frame-remote" role="status">
          <span>{labels.blocked(props.blockedRemote)}</span>{' '}
          {props.onShowRemote && (
            <button type="button" onClick={props.onShowRemote}>
              {labels.showRemote}
            </button>
          )}
        </div>
      )}
      {/* The sandbox comes before srcdoc: a changed sandbox applies from the frame's
          next navigation, which the new srcdoc starts. */}
      <iframe
        title="Message body"
        class={isRemote ? 'is-opaque' : undefined}
        style={isRemote && fitted.current ? { height: fitted.current } : undefined}
        sandbox={isRemote ? REMOTE_FRAME_SANDBOX : MESSAGE_FRAME_SANDBOX}
        srcdoc={trustedFrameHtml(props.document)}
        onLoad={onLoad}
        ref={(frame) => {
          if (!frame) for (const stop of release.current.splice(0)) stop();
        }}
      />
    </div>
  );
}
