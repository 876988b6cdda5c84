// The public surface of shared/mail: decoding what mail says about its own
// text (headers, charsets), the same in the browser, its worker and Node.

export { decodeRawBytes, encodingFor, isValidUtf8 } from './charset.ts';
export { decodeEncodedWords } from './encoded-words.ts';
export { parseAddressList, parseDate, parseMailbox, type Mailbox } from './addresses.ts';
export { parseStructured, type StructuredValue } from './parameters.ts';
export { prescanCharset } from './meta-charset.ts';
export { bodyEncoding, labelTextParts } from './body-charset.ts';
export {
  listHeaders,
  needsFirstPart,
  FIRST_PART_LINES,
  type HeaderSource,
} from './list-headers.ts';
export {
  declaredCharset,
  readMessageHeaders,
  MAX_HEADER_BYTES,
  type MessageHeaders,
} from './message-headers.ts';
