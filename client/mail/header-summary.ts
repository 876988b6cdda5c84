// What a message-list row shows, from the header block of TOP n 0: sender,
// subject, date and an attachment mark. Untrusted text in, bounded plain text
// out; it is rendered as text nodes only (SECURITY.md 52).

import { neutralizeText } from '../reader/display-text.ts';
import { decodeEncodedWords, decodeHeaderBytes, isValidUtf8 } from './encoded-words.ts';

export interface HeaderSummary {
  /** Display name, or the address when there is none. */
  from: string;
  fromAddress: string;
  subject: string;
  /** Epoch milliseconds of the Date header, null when absent or unreadable. */
  date: number | null;
  /** multipart/mixed: the usual sign of attached files. */
  hasAttachment: boolean;
}

const MAX_HEADER_CHARS = 256 * 1024;
const MAX_FIELDS = 2000;

/** Unfolded header fields by lower-case name; the first occurrence wins. */
export function headerFields(text: string, wanted: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  const lines = text.slice(0, MAX_HEADER_CHARS).split('\n');
  let name: string | undefined;
  let value = '';
  const keep = (): void => {
    if (name !== undefined && !fields.has(name) && wanted.includes(name)) fields.set(name, value);
  };
  let count = 0;
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') break; // the blank line ends the header block
    if ((line.startsWith(' ') || line.startsWith('\t')) && name !== undefined) {
      value += line; // RFC 5322 §2.2.3: unfolding removes only the CRLF
      continue;
    }
    keep();
    if (++count > MAX_FIELDS) break;
    const colon = line.indexOf(':');
    name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : undefined;
    value = colon > 0 ? line.slice(colon + 1) : '';
  }
  keep();
  return fields;
}

function clean(text: string, max: number): string {
  const collapsed = neutralizeText(text).replace(/\s+/g, ' ').trim();
  return collapsed.length > max ? `${collapsed.slice(0, max - 1)}…` : collapsed;
}

/** The first mailbox of an address list: up to a comma outside quotes, <> and comments. */
function firstMailbox(value: string): string {
  let depth = 0;
  let isQuoted = false;
  let isAngled = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\') i++;
    else if (isQuoted) isQuoted = ch !== '"';
    else if (ch === '"') isQuoted = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (ch === '<') isAngled = true;
    else if (ch === '>') isAngled = false;
    else if (ch === ',' && depth === 0 && !isAngled) return value.slice(0, i);
  }
  return value;
}

function unquote(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return trimmed.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return trimmed;
}

/** `Name <a@b>`, `"Name" <a@b>`, `a@b (Name)` or `a@b`: name and address. */
export function parseSender(value: string): { name: string; address: string } {
  const mailbox = firstMailbox(value).slice(0, 4096);
  const open = mailbox.lastIndexOf('<');
  const close = mailbox.indexOf('>', open);
  if (open >= 0 && close > open) {
    return {
      name: decodeEncodedWords(unquote(mailbox.slice(0, open))),
      address: mailbox.slice(open + 1, close).trim(),
    };
  }
  const comment = /\(([^()]*)\)/.exec(mailbox);
  const address = mailbox.replace(/\([^()]*\)/g, '').trim();
  return { name: comment ? decodeEncodedWords(unquote(comment[1] ?? '')) : '', address };
}

/** RFC 5322 date-time to epoch ms; comments like "(CST)" are dropped first. */
export function parseDate(value: string): number | null {
  const text = value.replace(/\([^()]*\)/g, ' ').trim();
  if (text === '') return null;
  const time = Date.parse(text);
  return Number.isNaN(time) ? null : time;
}

/** The summary of one message from its header bytes. */
export function summarizeHeaders(bytes: Uint8Array): HeaderSummary {
  const head = bytes.subarray(0, MAX_HEADER_CHARS);
  const wanted = ['from', 'subject', 'date', 'content-type'];
  let fields = headerFields(decodeHeaderBytes(head), wanted);
  if (!isValidUtf8(head)) {
    // Raw 8-bit headers that are not UTF-8: mailers use the body's charset (often GBK).
    const charset = /charset\s*=\s*"?([A-Za-z0-9._:-]{1,40})/i.exec(
      fields.get('content-type') ?? '',
    )?.[1];
    if (charset) fields = headerFields(decodeHeaderBytes(head, charset), wanted);
  }
  const sender = parseSender(fields.get('from') ?? '');
  const contentType = (fields.get('content-type') ?? '').trim().toLowerCase();
  const name = clean(sender.name, 200);
  const address = clean(sender.address, 200);
  return {
    from: name || address,
    fromAddress: address,
    subject: clean(decodeEncodedWords(fields.get('subject') ?? ''), 500),
    date: parseDate(fields.get('date') ?? ''),
    hasAttachment: contentType.startsWith('multipart/mixed'),
  };
}
