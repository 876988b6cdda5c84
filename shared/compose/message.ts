// A whole message as exact bytes ready for dotStuff(): RFC 5322 header, an
// RFC 2045/2046 MIME body (text alone, or multipart/mixed with attachments),
// and the SMTP envelope. Pure: the clock and randomness come in as options.
//
// Why not a library: mimetext 3.0.28 (MIT, the one most cited for browsers,
// with @babel/runtime-corejs3, js-base64 and mime-types behind it) writes the
// Subject as one unbounded encoded-word (RFC 2047 §2 caps words at 75), file
// names as `filename="…"` with no escaping and no RFC 2231, boundaries from
// Math.random() never checked against the content, and no format=flowed or
// quoted-printable text; nodemailer's builder needs Node's Buffer and
// streams. So shared/compose writes every byte itself, and its tests pin
// them: exact output, round trips through shared/mail and postal-mime, and
// properties over any text and attachment.

import { FieldWriter } from './header-writer.ts';
import { composeError } from './errors.ts';
import {
  addressField,
  assertAddress,
  createMessageId,
  formatDate,
  messageIdField,
  plainField,
  unstructuredField,
  type FieldOptions,
  type Mailbox,
} from './header-fields.ts';
import { attachmentFields, checkMediaType } from './mime-fields.ts';
import { encodeTextBody, type TextOptions } from './text-body.ts';
import { base64Lines } from './transfer-encoding.ts';

const encoder = new TextEncoder();

export interface Attachment {
  filename: string;
  /** `type/subtype`; `message/rfc822` carries a forwarded message as it is. */
  contentType: string;
  content: Uint8Array;
}

export interface Draft {
  from: Mailbox;
  to: readonly Mailbox[];
  cc?: readonly Mailbox[];
  /** Envelope recipients only: never written into the message (RFC 5322 §3.6.3). */
  bcc?: readonly Mailbox[];
  subject: string;
  /** The text as typed; any line ending. */
  text: string;
  inReplyTo?: string;
  references?: readonly string[];
  attachments?: readonly Attachment[];
}

export interface BuildOptions extends TextOptions, FieldOptions {
  /** The Date field's instant; now by default. */
  date?: Date;
  /** Minutes east of UTC for the Date field; the device's zone by default. */
  timeZoneOffset?: number;
  /** Random bytes for the Message-ID and boundaries; crypto.getRandomValues by default. */
  random?: (length: number) => Uint8Array;
}

export interface BuiltMessage {
  /** CRLF lines, none over 998 octets, no bare CR or LF: the input of dotStuff(). */
  bytes: Uint8Array<ArrayBuffer>;
  messageId: string;
  /** RFC 5321 MAIL FROM and RCPT TO: To, Cc and Bcc, each address once. */
  envelope: { from: string; recipients: string[] };
}

interface Part {
  header: string;
  body: Uint8Array;
  /** 7bit, 8bit or binary data, where a boundary could occur; base64 and QP never hold `=_`. */
  isRaw: boolean;
  is8bit: boolean;
}

const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;

/**
 * RFC 2046 §5.2.1: a message/rfc822 body may only be 7bit, 8bit or binary.
 * Which one these bytes are, or undefined when SMTP cannot carry them as they
 * are (binary needs RFC 3030 BINARYMIME): bare CR or LF, NUL, a line over
 * 998 octets (RFC 5322 §2.1.1), or 8-bit bytes without 8BITMIME.
 */
export function rfc822Encoding(bytes: Uint8Array, eightBit: boolean): '7bit' | '8bit' | undefined {
  let hasHigh = false;
  let lineStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    if (byte === NUL) return undefined;
    if (byte >= 0x80) hasHigh = true;
    if (byte === CR && bytes[i + 1] !== LF) return undefined;
    if (byte === LF) {
      if (bytes[i - 1] !== CR) return undefined;
      if (i - 1 - lineStart > 998) return undefined;
      lineStart = i + 1;
    }
  }
  if (bytes.length - lineStart > 998) return undefined;
  return hasHigh ? (eightBit ? '8bit' : undefined) : '7bit';
}

function attachmentPart(attachment: Attachment, eightBit: boolean): Part {
  const type = checkMediaType(attachment.contentType);
  const asIs = type === 'message/rfc822' ? rfc822Encoding(attachment.content, eightBit) : undefined;
  if (asIs) {
    return {
      header:
        attachmentFields(type, attachment.filename) + plainField('Content-Transfer-Encoding', asIs),
      body: attachment.content,
      isRaw: true,
      is8bit: asIs === '8bit',
    };
  }
  // A message SMTP cannot carry as it is travels as opaque bytes, still byte for byte.
  const carried = type === 'message/rfc822' ? 'application/octet-stream' : type;
  return {
    header:
      attachmentFields(carried, attachment.filename) +
      plainField('Content-Transfer-Encoding', 'base64'),
    body: base64Lines(attachment.content),
    isRaw: false,
    is8bit: false,
  };
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0];
  if (first === undefined) return false;
  for (
    let i = haystack.indexOf(first);
    i >= 0 && i <= haystack.length - needle.length;
    i = haystack.indexOf(first, i + 1)
  ) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return true;
  }
  return false;
}

const hex = (bytes: Uint8Array): string =>
  [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

/**
 * RFC 2046 §5.1.1: the boundary must not occur in any part. `=_` cannot occur
 * in base64 or quoted-printable output, so only raw parts are searched, and
 * a boundary found there is drawn again.
 */
function chooseBoundary(parts: readonly Part[], random: (length: number) => Uint8Array): string {
  for (;;) {
    const boundary = `=_${hex(random(12))}`;
    const needle = encoder.encode(boundary);
    if (!parts.some((part) => part.isRaw && contains(part.body, needle))) return boundary;
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function uniqueAddresses(mailboxes: readonly Mailbox[]): string[] {
  const seen = new Set<string>();
  return mailboxes
    .map((mailbox) => mailbox.address)
    .filter((address) => !seen.has(address.toLowerCase()) && seen.add(address.toLowerCase()));
}

const defaultRandom = (length: number): Uint8Array =>
  crypto.getRandomValues(new Uint8Array(length));

/** Builds the message and its envelope; throws a ComposeError naming what is wrong. */
export function buildMessage(draft: Draft, options: BuildOptions = {}): BuiltMessage {
  const random = options.random ?? defaultRandom;
  const eightBit = options.eightBit === true;
  const cc = draft.cc ?? [];
  const bcc = draft.bcc ?? [];
  assertAddress(draft.from.address, options);
  for (const mailbox of bcc) assertAddress(mailbox.address, options);
  const recipients = uniqueAddresses([...draft.to, ...cc, ...bcc]);
  if (recipients.length === 0)
    throw composeError('COMPOSE_NO_RECIPIENTS', 'no To, Cc or Bcc recipient');
  const messageId = createMessageId(random(16), draft.from.address, options);
  const date = options.date ?? new Date();
  let head =
    plainField('Date', formatDate(date, options.timeZoneOffset)) +
    addressField('From', [draft.from], options) +
    (draft.to.length > 0 ? addressField('To', draft.to, options) : '') +
    (cc.length > 0 ? addressField('Cc', cc, options) : '') +
    unstructuredField('Subject', draft.subject) +
    messageIdField('Message-ID', [messageId]) +
    (draft.inReplyTo ? messageIdField('In-Reply-To', [draft.inReplyTo]) : '') +
    (draft.references?.length ? messageIdField('References', draft.references) : '') +
    plainField('MIME-Version', '1.0');
  const text = encodeTextBody(draft.text, options);
  const textHeader =
    plainField('Content-Type', text.contentType) +
    plainField('Content-Transfer-Encoding', text.transferEncoding);
  const attachments = (draft.attachments ?? []).map((a) => attachmentPart(a, eightBit));
  if (attachments.length === 0) {
    const bytes = concat([encoder.encode(`${head}${textHeader}\r\n`), text.bytes]);
    return { bytes, messageId, envelope: { from: draft.from.address, recipients } };
  }
  const parts: Part[] = [
    {
      header: textHeader,
      body: text.bytes,
      isRaw: text.transferEncoding !== 'quoted-printable',
      is8bit: text.transferEncoding === '8bit',
    },
    ...attachments,
  ];
  const boundary = chooseBoundary(parts, random);
  const mixed = new FieldWriter('Content-Type');
  mixed.word('multipart/mixed;');
  mixed.word(`boundary="${boundary}"`);
  head += mixed.toString();
  // RFC 2045 §6.4: a multipart entity is 8bit when any part inside it is.
  if (parts.some((part) => part.is8bit)) head += plainField('Content-Transfer-Encoding', '8bit');
  const chunks: Uint8Array[] = [encoder.encode(`${head}\r\n`)];
  for (const part of parts) {
    chunks.push(
      encoder.encode(`--${boundary}\r\n${part.header}\r\n`),
      part.body,
      encoder.encode('\r\n'),
    );
  }
  // RFC 2046 §5.1.1: the CRLF before each delimiter belongs to the delimiter, so bodies stay exact.
  chunks.push(encoder.encode(`--${boundary}--\r\n`));
  return { bytes: concat(chunks), messageId, envelope: { from: draft.from.address, recipients } };
}
