// Reads stalwart mail-parser's expected output (`NNN.json` next to `NNN.eml`) into Expected.
// The JSON is mail-parser's Message: parts[] in tree order, text_body/html_body/attachments
// as indexes into it, typed header values and bodies already decoded to Unicode.
import {
  isLineDecoded,
  type Expected,
  type ExpectedAddress,
  type ExpectedAttachment,
  type ExpectedTextPart,
} from './expected.ts';

interface StalwartAttribute {
  name: string;
  value: string;
}

interface StalwartContentType {
  c_type: string;
  c_subtype: string | null;
  attributes: StalwartAttribute[] | null;
}

interface StalwartMailbox {
  name: string | null;
  address: string | null;
}

type StalwartHeaderValue =
  | { Text: string }
  | { Address: { List: StalwartMailbox[] } | { Group: { addresses: StalwartMailbox[] }[] } }
  | { ContentType: StalwartContentType }
  | Record<string, unknown>
  | string;

interface StalwartHeader {
  name: string | { other: string };
  value: StalwartHeaderValue;
}

type StalwartBody =
  | { Text: string }
  | { Html: string }
  | { Binary: number[] }
  | { InlineBinary: number[] }
  | { Message: StalwartMessage }
  | { Multipart: number[] };

interface StalwartPart {
  headers: StalwartHeader[];
  body: StalwartBody;
}

export interface StalwartMessage {
  text_body: number[];
  html_body: number[];
  attachments: number[];
  parts: StalwartPart[];
}

function isObject(value: StalwartHeaderValue | null): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function header(part: StalwartPart | undefined, name: string): StalwartHeaderValue | null {
  return part?.headers.find((entry) => entry.name === name)?.value ?? null;
}

function contentType(part: StalwartPart, name: string): StalwartContentType | null {
  const value = header(part, name);
  return isObject(value) && 'ContentType' in value
    ? (value.ContentType as StalwartContentType)
    : null;
}

function attribute(type: StalwartContentType | null, name: string): string | null {
  return type?.attributes?.find((entry) => entry.name.toLowerCase() === name)?.value ?? null;
}

function subjectOf(message: StalwartMessage): string {
  const value = header(message.parts[0], 'subject');
  return isObject(value) && 'Text' in value ? String(value.Text) : '';
}

function fromOf(message: StalwartMessage): ExpectedAddress | null {
  const value = header(message.parts[0], 'from');
  if (!(isObject(value) && 'Address' in value)) return null;
  const address = value.Address as {
    List?: StalwartMailbox[];
    Group?: { addresses: StalwartMailbox[] }[];
  };
  const first = address.List?.[0] ?? address.Group?.[0]?.addresses[0];
  return first ? { name: first.name ?? '', address: first.address ?? '' } : null;
}

/**
 * A message/rfc822 part postal-mime parses inline (RFC 2183: no disposition, or
 * `inline`) rather than keeping as an attachment.
 */
function isInlineMessage(
  part: StalwartPart,
): part is StalwartPart & { body: { Message: StalwartMessage } } {
  if (!('Message' in part.body)) return false;
  const disposition = contentType(part, 'content_disposition')?.c_type.toLowerCase();
  return disposition === undefined || disposition === 'inline';
}

function transferEncoding(part: StalwartPart): string | null {
  const value = header(part, 'content_transfer_encoding');
  return isObject(value) && 'Text' in value ? String(value.Text) : null;
}

function toAttachment(part: StalwartPart, endsAtEof: boolean): ExpectedAttachment {
  const lineDecoded = isLineDecoded(transferEncoding(part));
  const filename =
    attribute(contentType(part, 'content_disposition'), 'filename') ??
    attribute(contentType(part, 'content_type'), 'name');
  const body = part.body;
  const charset = attribute(contentType(part, 'content_type'), 'charset') ?? 'us-ascii';
  const base = { filename, bytes: null, text: null, lineDecoded, endsAtEof };
  if ('Binary' in body) return { ...base, bytes: Uint8Array.from(body.Binary) };
  if ('InlineBinary' in body) return { ...base, bytes: Uint8Array.from(body.InlineBinary) };
  if ('Text' in body) return { ...base, text: { value: body.Text, charset } };
  if ('Html' in body) return { ...base, text: { value: body.Html, charset } };
  // A message/rfc822 kept as an attachment: the oracle has its parse, not its bytes.
  return base;
}

/**
 * Walks one message the way postal-mime flattens it: text_body parts and inline nested
 * messages (header block, then their own text) in tree order, attachments likewise, a
 * nested message's attachments where that message sits.
 */
function collect(
  message: StalwartMessage,
  text: ExpectedTextPart[],
  attachments: ExpectedAttachment[],
  isTopLevel: boolean,
): void {
  const textIndexes = new Set(message.text_body);
  const attachmentIndexes = new Set(message.attachments);
  message.parts.forEach((part, index) => {
    if (textIndexes.has(index) && 'Text' in part.body) {
      const lineDecoded = isLineDecoded(transferEncoding(part));
      text.push({ kind: 'plain', text: part.body.Text, lineDecoded });
    } else if (textIndexes.has(index) && 'Html' in part.body) {
      text.push({ kind: 'html', html: part.body.Html });
    } else if (attachmentIndexes.has(index) && isInlineMessage(part)) {
      text.push({ kind: 'message-header', subject: subjectOf(part.body.Message) });
      collect(part.body.Message, text, attachments, false);
    } else if (attachmentIndexes.has(index)) {
      attachments.push(toAttachment(part, isTopLevel && index === 0));
    }
  });
}

/** Expected subject, sender, text and attachments from one stalwart `NNN.json`. */
export function stalwartExpected(oracle: string, json: string): Expected {
  const message = JSON.parse(json) as StalwartMessage;
  const textParts: ExpectedTextPart[] = [];
  const attachments: ExpectedAttachment[] = [];
  collect(message, textParts, attachments, true);
  return { oracle, subject: subjectOf(message), from: fromOf(message), textParts, attachments };
}
