// The one header-decoding rule of the project, for the message list, the
// reader and the pop3 command: subject and addresses from raw header bytes.
// Works on a header block (TOP n 0) or a whole message.

import { decodeRawBytes, encodingFor, fromBinary, toBinary } from './charset.ts';
import { parseAddressList, parseDate, type Mailbox } from './addresses.ts';
import { decodeEncodedWords } from './encoded-words.ts';
import { headerBounds, headerFields } from './header-block.ts';
import { leafParts, type LeafPart } from './mime-parts.ts';
import { parseStructured } from './parameters.ts';

export interface MessageHeaders {
  subject: string;
  from: Mailbox | null;
  to: Mailbox[];
  cc: Mailbox[];
  replyTo: Mailbox[];
  /** Epoch milliseconds of the Date header, null when absent or unreadable. */
  date: number | null;
  /** Lower-case media type of the message, e.g. `multipart/mixed`; '' when not given. */
  contentType: string;
  /** The encoding the message declares (see declaredCharset), null when none. */
  charset: string | null;
}

/** Header blocks larger than this are cut: a list row needs the first fields only. */
export const MAX_HEADER_BYTES = 256 * 1024;
const FIELDS = new Set(['subject', 'from', 'to', 'cc', 'reply-to', 'date', 'content-type']);
const CONTENT_TYPE = new Set(['content-type']);
const NON_ASCII = /[^\t -~]/;

/**
 * The charset a message declares for its text: the top-level Content-Type's,
 * else the first text part's with a charset. Raw 8-bit header bytes are in it,
 * by custom. `text` is the message as a binary string; `parts` its leaves.
 */
export function declaredCharset(text: string, parts?: readonly LeafPart[]): string | null {
  const { headerEnd, bodyStart } = headerBounds(text);
  const top = headerFields(text, CONTENT_TYPE, 0, headerEnd).get('content-type');
  const charset = encodingFor(parseStructured(top ?? '').params.get('charset'));
  if (charset || bodyStart >= text.length) return charset;
  for (const part of parts ?? leafParts(text)) {
    if (!part.contentType.value.startsWith('text/')) continue;
    const partCharset = encodingFor(part.contentType.params.get('charset'));
    if (partCharset) return partCharset;
  }
  return null;
}

/** Decodes a header block, or the headers of a whole message, by the project's one rule. */
export function readMessageHeaders(message: Uint8Array): MessageHeaders {
  const head = toBinary(message.subarray(0, MAX_HEADER_BYTES));
  const { headerEnd, bodyStart } = headerBounds(head);
  const fields = headerFields(head, FIELDS, 0, headerEnd);
  const topType = parseStructured(fields.get('content-type') ?? '');
  // Only a whole multipart message has parts to look into (a header block stops at
  // the top level, and a single part is its own first text part): a 10 MiB HTML
  // body is then never turned into a string just to find no charset in it.
  const hasParts = bodyStart < message.length && topType.value.startsWith('multipart/');
  const charset =
    encodingFor(topType.params.get('charset')) ??
    (hasParts ? declaredCharset(toBinary(message)) : null);
  const text = (name: string): string => {
    const raw = fields.get(name) ?? '';
    // Printable ASCII, the common case, needs no decoder. Controls go the long way:
    // ISO-2022-JP's escape sequences start with one.
    if (!NON_ASCII.test(raw)) return raw.trim();
    return decodeRawBytes(fromBinary(raw), charset).trim();
  };
  return {
    subject: decodeEncodedWords(text('subject'), charset),
    from: parseAddressList(text('from'), charset)[0] ?? null,
    to: parseAddressList(text('to'), charset),
    cc: parseAddressList(text('cc'), charset),
    replyTo: parseAddressList(text('reply-to'), charset),
    date: parseDate(text('date')),
    contentType: topType.value,
    charset,
  };
}
