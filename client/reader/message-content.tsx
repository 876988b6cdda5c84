// One opened message on screen: headers, the body (sanitized frame or linkified
// text), attachments and the .eml download, wired so each piece gets only what it
// needs. Remote content is a per-message opt-in; key this component by message.
import type { JSX } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { AttachmentList, DownloadMessageLink, listedAttachments } from './attachments.tsx';
import { createCidResolver } from './cid-images.ts';
import { MessageFrame, type MessageFrameLabels } from './message-frame.tsx';
import { MessageHeaders } from './message-headers.tsx';
import type { ParseResult } from './parse-message.ts';
import { PlainTextBody } from './plain-text.tsx';
import { sanitizeMessageHtml } from './sanitize-html.ts';

/** Props of {@link MessageContent}. */
export interface MessageContentProps {
  result: ParseResult;
  /** Fired when the HTML frame finished loading (tests and scroll restoration). */
  onFrameLoad?: () => void;
  frameLabels?: MessageFrameLabels;
  locale?: string;
}

/**
 * Renders a parsed message. The HTML body wins over the text body when both exist;
 * remote content starts blocked and is never loaded without the reader's click
 * (SECURITY.md 46). Give it `key={uidl}` so the opt-in never carries over.
 */
export function MessageContent(props: MessageContentProps): JSX.Element {
  const { message, raw } = props.result;
  const [allowRemote, setAllowRemote] = useState(false);
  const cidImages = useMemo(() => createCidResolver(message.attachments), [message]);
  const sanitized = useMemo(
    () =>
      message.html === null ? null : sanitizeMessageHtml(message.html, { allowRemote, cidImages }),
    [message, allowRemote, cidImages],
  );
  // Inline images the body showed are not repeated in the attachment list.
  const attachments = useMemo(
    () => listedAttachments(message.attachments, cidImages.resolved),
    // `sanitized` fills cidImages.resolved, so it is a real dependency.
    [message, cidImages, sanitized],
  );
  return (
    <article class="message">
      <MessageHeaders message={message} locale={props.locale} />
      {sanitized ? (
        <MessageFrame
          document={sanitized.html}
          blockedRemote={sanitized.blockedRemote}
          onShowRemote={() => setAllowRemote(true)}
          onLoad={props.onFrameLoad}
          labels={props.frameLabels}
        />
      ) : (
        <PlainTextBody text={message.text ?? ''} />
      )}
      <AttachmentList attachments={attachments} />
      <p>
        <DownloadMessageLink raw={raw} subject={message.subject} />
      </p>
    </article>
  );
}
