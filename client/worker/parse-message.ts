// postal-mime behind explicit limits, turning raw bytes into a ParsedMessage, with
// the project's one charset rule (shared/mail) for headers and text bodies. Runs
// unchanged in the MIME worker, in Node and in tests; it knows no Worker or DOM.
import PostalMime from 'postal-mime';
import type { Attachment, Email } from 'postal-mime';
import {
  labelTextParts,
  readMessageHeaders,
  type Mailbox,
  type MessageHeaders,
} from '../../shared/mail/index.ts';
import {
  mimeError,
  resolveLimits,
  type MimeLimits,
  type ParsedAddress,
  type ParsedAttachment,
  type ParsedMessage,
} from '../reader/message-types.ts';

/**
 * Parses one raw RFC 5322 message with explicit limits (docs/security.md #41). The raw
 * size cap is checked before postal-mime runs; nesting and header limits are
 * postal-mime's own options. No time limit here: a synchronous caller cannot be
 * pre-empted, so the worker handle (reader/message-parser.ts) owns the timeout.
 *
 * @throws MimeError `MIME_TOO_LARGE` or `MIME_PARSE_FAILED`
 */
export async function parseMessage(
  bytes: Uint8Array | ArrayBuffer,
  limits: Partial<MimeLimits> = {},
): Promise<ParsedMessage> {
  const resolved = resolveLimits(limits);
  if (bytes.byteLength > resolved.maxRawBytes) {
    // Breadth (100k tiny parts) is unbounded in postal-mime; only this cap bounds it.
    throw mimeError('MIME_TOO_LARGE', `${bytes.byteLength} bytes`);
  }
  const raw = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let email: Email;
  let headers: MessageHeaders;
  try {
    // postal-mime reads raw header bytes as UTF-8 and a text part without a MIME
    // charset as UTF-8 too: the shared rule decodes the headers, and labels each
    // text part with its charset (meta prescan, UTF-8, declared) before it parses.
    headers = readMessageHeaders(raw);
    email = await PostalMime.parse(labelTextParts(raw), {
      maxNestingDepth: resolved.maxNestingDepth,
      maxHeadersSize: resolved.maxHeadersSize,
      maxRfc822NestingDepth: resolved.maxRfc822NestingDepth,
      attachmentEncoding: 'arraybuffer',
    });
  } catch (error) {
    // postal-mime rejects with a plain Error (depth, header size); a RangeError is a
    // stack overflow we did not foresee. Either way the reader gets one stable code.
    throw mimeError('MIME_PARSE_FAILED', error instanceof Error ? error.message : undefined);
  }
  return toParsedMessage(headers, email);
}

function toParsedMessage(headers: MessageHeaders, email: Email): ParsedMessage {
  return {
    subject: headers.subject,
    from: headers.from ? toParsedAddress(headers.from) : null,
    to: headers.to.map(toParsedAddress),
    cc: headers.cc.map(toParsedAddress),
    replyTo: headers.replyTo.map(toParsedAddress),
    date: headers.date === null ? null : new Date(headers.date).toISOString(),
    text: email.text ?? null,
    html: email.html ?? null,
    attachments: email.attachments.map(toParsedAttachment),
  };
}

function toParsedAddress(mailbox: Mailbox): ParsedAddress {
  return { name: mailbox.name, address: mailbox.address };
}

function toParsedAttachment(part: Attachment): ParsedAttachment {
  const bytes = toArrayBuffer(part.content);
  return {
    filename: part.filename,
    mimeType: part.mimeType.toLowerCase(),
    size: bytes.byteLength,
    contentId: normalizeContentIdHeader(part.contentId),
    disposition: part.disposition ? part.disposition.toLowerCase() : null,
    description: part.description ?? '',
    related: part.related === true,
    rfc822DepthExceeded: part.rfc822DepthExceeded === true,
    bytes,
  };
}

/**
 * Each attachment must own a whole ArrayBuffer so it can be transferred on its own
 * (a buffer listed twice in a transfer list throws DataCloneError).
 */
function toArrayBuffer(content: Attachment['content']): ArrayBuffer {
  if (typeof content === 'string') return new TextEncoder().encode(content).buffer;
  if (content instanceof ArrayBuffer) return content;
  const view = new Uint8Array(content.byteLength);
  view.set(content);
  return view.buffer;
}

/** `<abc@x>` → `abc@x`; surrounding whitespace dropped, inner bytes kept exactly. */
export function normalizeContentIdHeader(value: string | undefined | null): string | null {
  if (!value) return null;
  let id = value.trim();
  if (id.startsWith('<') && id.endsWith('>')) id = id.slice(1, -1).trim();
  return id === '' ? null : id;
}
