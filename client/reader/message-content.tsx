// One opened message on screen: headers, the body (sanitized frame or linkified
// text), attachments and the .eml download, wired so each piece gets only what it
// needs. Remote content is a per-message opt-in; key this component by message.
import type { JSX } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { AttachmentList, DownloadMessageLink, listedAttachments } from './attachments.tsx';
import { createCidResolver } from './cid-images.ts';
import { ENGLISH_FRAME_LABELS, MessageFrame, type MessageFrameLabels } from './message-frame.tsx';
import { MessageHeaders, type HeaderLabels } from './message-headers.tsx';
import type { ParseResult } from './message-parser.ts';
import { PlainTextBody } from './plain-text.tsx';
import { sanitizeMessageHtml } from './sanitize-html.ts';

/** Props of {@link MessageContent}. */
export interface MessageContentProps {
  result: ParseResult;
  /** Fired when the HTML frame finished loading (tests and scroll restoration). */
  onFrameLoad?: () => void;
  frameLabels?: MessageFrameLabels;
  headerLabels?: HeaderLabels;
  /** Text of the .eml link; English by default. */
  downloadLabel?: string;
  locale?: string;
  /** Plain-text bodies in a fixed-width font (the reader's remembered choice). */
  isMonospace?: boolean;
}

/**
 * Body size caps, in UTF-16 code units. Sanitizing and laying out HTML runs on
 * the page's own thread: 10 MB of HTML froze it for seconds. Real mail stays far
 * below 1 MB of HTML (some providers clip at 100 KB); past the cap the text body
 * is shown instead, and past its own cap only its beginning. The .eml download
 * always has every byte.
 */
export const MAX_HTML_BODY = 1_000_000;
export const MAX_TEXT_BODY = 1_000_000;

/**
 * Renders a parsed message. The HTML body wins over the text body when both exist;
 * remote content starts blocked and is never loaded without the reader's click
 * (docs/security.md #46). Give it `key={uidl}` so the opt-in never carries over.
 */
export function MessageContent(props: MessageContentProps): JSX.Element {
  const { message, raw } = props.result;
  const [allowRemote, setAllowRemote] = useState(false);
  const cidImages = useMemo(() => createCidResolver(message.attachments), [message]);
  const isHtmlTooLarge = message.html !== null && message.html.length > MAX_HTML_BODY;
  const text = message.text ?? '';
  const isTextTooLarge = text.length > MAX_TEXT_BODY;
  const sanitized = useMemo(
    () =>
      message.html === null || isHtmlTooLarge
        ? null
        : sanitizeMessageHtml(message.html, { allowRemote, cidImages }),
    [message, allowRemote, cidImages, isHtmlTooLarge],
  );
  // Inline images the body showed are not repeated in the attachment list.
  const attachments = useMemo(
    () => listedAttachments(message.attachments, cidImages.resolved),
    // `sanitized` fills cidImages.resolved, so it is a real dependency.
    [message, cidImages, sanitized],
  );
  return (
    <article class="message">
      <MessageHeaders message={message} locale={props.locale} labels={props.headerLabels} />
      {sanitized ? (
        <MessageFrame
          document={sanitized.html}
          blockedRemote={sanitized.blockedRemote}
          onShowRemote={() => setAllowRemote(true)}
          isRemoteAllowed={allowRemote}
          onLoad={props.onFrameLoad}
          labels={props.frameLabels}
        />
      ) : (
        <>
          {(isHtmlTooLarge || isTextTooLarge) && (
            <p class="notice" role="note">
              {(props.frameLabels ?? ENGLISH_FRAME_LABELS).bodyTooLarge}
            </p>
          )}
          <PlainTextBody
            text={isTextTooLarge ? text.slice(0, MAX_TEXT_BODY) : text}
            isMonospace={props.isMonospace}
          />
        </>
      )}
      <AttachmentList attachments={attachments} />
      <p class="message-download">
        <DownloadMessageLink raw={raw} subject={message.subject} label={props.downloadLabel} />
      </p>
    </article>
  );
}
