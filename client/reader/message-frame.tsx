// The sandboxed frame that shows a sanitized HTML body, and the bar that says how
// much remote content was held back. It never touches the mail's HTML itself.
import type { JSX } from 'preact';
import { trustedFrameHtml } from '../trusted-types.ts';

/**
 * Sandbox tokens of the message frame (SECURITY.md 42). No `allow-scripts`: nothing
 * in the mail runs. Popups, so links open in a new tab, escaping the sandbox so the
 * opened site works normally. No `allow-same-origin` either: the frame keeps an
 * opaque origin, so even our own app cannot be reached from it; the cost is that the
 * parent cannot measure the content, so the frame has a fixed height and scrolls
 * inside (fill the reader pane with CSS). No forms, top navigation or modals.
 */
export const MESSAGE_FRAME_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';

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
  /** Frame height; the frame scrolls inside. Default fills its container. */
  height?: string;
}

/** Renders a sanitized message document in the sandboxed frame titled "Message body". */
export function MessageFrame(props: MessageFrameProps): JSX.Element {
  const labels = props.labels ?? ENGLISH_FRAME_LABELS;
  return (
    <div class="message-frame" style={{ display: 'flex', flexDirection: 'column', height: '100%' }}>
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
      <iframe
        title="Message body"
        sandbox={MESSAGE_FRAME_SANDBOX}
        srcdoc={trustedFrameHtml(props.document)}
        onLoad={props.onLoad}
        style={{
          border: 0,
          width: '100%',
          flex: '1 1 auto',
          minHeight: props.height ?? '24rem',
          height: props.height,
          background: '#fff',
        }}
      />
    </div>
  );
}
