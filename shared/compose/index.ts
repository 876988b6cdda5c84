// The public surface of shared/compose: building a message to send, and the
// drafts that reply and forward start from. Pure; the same in browser and Node.

export {
  parseAddressInput,
  formatAddressInput,
  type AddressInput,
  type AddressInputError,
} from './address-input.ts';
export { ComposeError, type ComposeErrorCode } from './errors.ts';
export { formatDate, type Mailbox } from './header-fields.ts';
export {
  buildMessage,
  rfc822Encoding,
  type Attachment,
  type BuildOptions,
  type BuiltMessage,
  type Draft,
} from './message.ts';
export {
  deriveForward,
  deriveForwardAsAttachment,
  deriveReply,
  deriveReplyAll,
  emlFilename,
  forwardSubject,
  quoteText,
  replySubject,
  threadIds,
  ENGLISH_FORWARD_LABELS,
  type DerivedDraft,
  type ForwardLabels,
  type OriginalMessage,
  type ReplyOptions,
} from './reply.ts';
