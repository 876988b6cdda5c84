// The reader's lazy entry point. The app loads it with `import('./reader/index.ts')`
// when a message is first opened, so DOMPurify ships in this chunk and postal-mime
// in the worker's chunk, neither in the initial bundle.
export {
  AttachmentList,
  DownloadMessageLink,
  createDownload,
  listedAttachments,
} from './attachments.tsx';
export type { AttachmentListProps, Download, DownloadMessageLinkProps } from './attachments.tsx';
export { createCidResolver, isRasterImage } from './cid-images.ts';
export type { CidResolver, CidResolverOptions, RasterImageType } from './cid-images.ts';
export { displayFileName, downloadFileName, formatSize, neutralizeText } from './display-text.ts';
export { frameCsp } from './frame-document.ts';
export { checkLink } from './link-warning.ts';
export type { LinkWarning } from './link-warning.ts';
export { linkifyText } from './linkify.ts';
export type { TextToken } from './linkify.ts';
export { MessageContent } from './message-content.tsx';
export type { MessageContentProps } from './message-content.tsx';
export { MESSAGE_FRAME_SANDBOX, MessageFrame, REMOTE_FRAME_SANDBOX } from './message-frame.tsx';
export type { MessageFrameLabels, MessageFrameProps } from './message-frame.tsx';
export {
  ENGLISH_HEADER_LABELS,
  MessageHeaders,
  formatAddress,
  formatAddressList,
  formatHeaderDate,
} from './message-headers.tsx';
export type { HeaderLabels, MessageHeadersProps } from './message-headers.tsx';
export { MAX_SOURCE_BYTES, MessageSource, sourceText } from './message-source.tsx';
export type { MessageSourceProps } from './message-source.tsx';
export { DEFAULT_MIME_LIMITS, MimeError } from './message-types.ts';
export type {
  MimeErrorCode,
  MimeLimits,
  ParsedAddress,
  ParsedAttachment,
  ParsedMessage,
} from './message-types.ts';
export { createMessageParser } from './message-parser.ts';
export type { MessageParser, ParseResult } from './message-parser.ts';
export { PlainTextBody } from './plain-text.tsx';
export { sanitizeMessageHtml } from './sanitize-html.ts';
export type { SanitizeOptions, SanitizedMessage } from './sanitize-html.ts';
