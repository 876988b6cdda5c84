// Address headers (From, To, Cc, Reply-To) as decoded text → mailboxes with
// display names. RFC 5322 §3.4, read leniently as mail clients do.

import { decodeEncodedWords } from './encoded-words.ts';

export interface Mailbox {
  /** Decoded display name, '' when there is none. Untrusted text. */
  name: string;
  /** The address as written. Untrusted text. */
  address: string;
}

const MAX_MAILBOXES = 1000;
const MAX_MAILBOX_CHARS = 4096;

/** Splits an address list at `,` and group `:`/`;` outside quotes, `<>` and comments. */
function splitMailboxes(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let isQuoted = false;
  let isAngled = false;
  let start = 0;
  for (let i = 0; i < value.length && out.length < MAX_MAILBOXES; i++) {
    const ch = value[i];
    if (ch === '\\') i++;
    else if (isQuoted) isQuoted = ch !== '"';
    else if (ch === '"') isQuoted = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (ch === '<') isAngled = true;
    else if (ch === '>') isAngled = false;
    else if (depth === 0 && !isAngled && (ch === ',' || ch === ';')) {
      out.push(value.slice(start, i));
      start = i + 1;
    } else if (depth === 0 && !isAngled && ch === ':') {
      // RFC 5322 §3.4 group: `Friends: a@x, b@y;` lists its members; the name is dropped.
      start = i + 1;
    }
  }
  if (out.length < MAX_MAILBOXES) out.push(value.slice(start));
  return out;
}

function unquote(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return trimmed.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return trimmed;
}

/** `Name <a@b>`, `"Name" <a@b>`, `a@b (Name)` or `a@b`: name and address. */
export function parseMailbox(value: string, declared: string | null = null): Mailbox {
  const mailbox = value.slice(0, MAX_MAILBOX_CHARS);
  const open = mailbox.lastIndexOf('<');
  const close = mailbox.indexOf('>', open);
  if (open >= 0 && close > open) {
    return {
      // Mailers put encoded-words inside quotes too (RFC 2047 §5 forbids it); clients decode them.
      name: decodeEncodedWords(unquote(mailbox.slice(0, open)), declared),
      address: mailbox.slice(open + 1, close).trim(),
    };
  }
  const comment = /\(([^()]*)\)/.exec(mailbox);
  if (!comment && !mailbox.includes('@')) {
    // `From: Whomever`: a phrase with no address, as postal-mime and mime4j read it.
    return { name: decodeEncodedWords(unquote(mailbox), declared), address: '' };
  }
  const address = mailbox.replace(/\([^()]*\)/g, '').trim();
  return { name: comment ? decodeEncodedWords(unquote(comment[1] ?? ''), declared) : '', address };
}

/** Every mailbox of an address list, group members included; empty entries dropped. */
export function parseAddressList(value: string, declared: string | null = null): Mailbox[] {
  return splitMailboxes(value)
    .map((entry) => parseMailbox(entry, declared))
    .filter((mailbox) => mailbox.address !== '' || mailbox.name !== '');
}

/** RFC 5322 date-time to epoch ms; comments like "(CST)" are dropped first. */
export function parseDate(value: string): number | null {
  const text = value.replace(/\([^()]*\)/g, ' ').trim();
  if (text === '') return null;
  const time = Date.parse(text);
  return Number.isNaN(time) ? null : time;
}
