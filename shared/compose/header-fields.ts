// The RFC 5322 fields a composed message carries, as folded exact text:
// unstructured text, mailboxes with display names, dates and message-ids.
// Knows nothing of MIME bodies; the bytes of each field come from FieldWriter.

import { checkAddress, isNonAscii } from '../smtp/address.ts';
import { composeError } from './errors.ts';
import { FieldWriter, MAX_LITERAL_WORD } from './header-writer.ts';

/** A mailbox as the composer holds it: display name ('' for none) and address. */
export interface Mailbox {
  name: string;
  address: string;
}

export interface FieldOptions {
  /** RFC 6532: the transaction uses SMTPUTF8, so addresses may be UTF-8 as they are. */
  utf8?: boolean;
}

// RFC 5322 §3.2.3 atext, and the words of a phrase made of atoms.
const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?: [A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;
// RFC 5322 §3.2.4 qtext plus what quoted-pair carries: printable ASCII and space.
const PRINTABLE = /^[\x20-\x7e]*$/;
// RFC 5322 §3.6.4 msg-id: `<id-left@id-right>` without whitespace or controls.
const MSG_ID = /^<[^<>\s@]+@[^<>\s@]+>$/;

/** A word a decoder must not misread: not printable ASCII, looks like an encoded-word, or unfoldable. */
function needsEncoding(word: string, room = MAX_LITERAL_WORD): boolean {
  return !/^[\x21-\x7e]*$/.test(word) || word.includes('=?') || word.length > room;
}

/**
 * An unstructured field (RFC 5322 §3.2.5, `Subject`): literal words where
 * they are printable ASCII, runs of the others as encoded-words (RFC 2047
 * §5(1)). The spaces inside a run travel encoded, so the text decodes back
 * as it was, ends trimmed.
 */
export function unstructuredField(name: string, text: string): string {
  const writer = new FieldWriter(name);
  const words = [...text.trim().matchAll(/([ \t]*)([^ \t]+)/g)];
  for (let i = 0; i < words.length;) {
    const [, space = '', word = ''] = words[i] ?? [];
    const gap = i === 0 ? ' ' : space;
    // The first word shares its line with the field name, and cannot fold away from it.
    if (!needsEncoding(word, i === 0 ? MAX_LITERAL_WORD - name.length - 1 : MAX_LITERAL_WORD)) {
      writer.word(word, gap);
      i++;
      continue;
    }
    let run = word;
    for (i++; i < words.length && needsEncoding(words[i]?.[2] ?? ''); i++) {
      run += words[i]?.[0] ?? '';
    }
    writer.encoded(run, gap);
  }
  if (words.length === 0) writer.word('', ' ');
  return writer.toString();
}

/**
 * A display name as an RFC 5322 §3.2.5 phrase: atoms when it is plain,
 * a quoted-string when it holds specials such as `,` (`"Last, First"`),
 * encoded-words (RFC 2047 §5(3)) when it is not ASCII or would look like one.
 */
function writePhrase(writer: FieldWriter, name: string, space: string): void {
  const fits = name.split(' ').every((atom) => atom.length <= MAX_LITERAL_WORD);
  if (ATOM_PHRASE.test(name) && !name.includes('=?') && fits) {
    name.split(' ').forEach((atom, i) => writer.word(atom, i === 0 ? space : ' '));
  } else if (PRINTABLE.test(name) && !name.includes('=?') && name.length <= MAX_LITERAL_WORD - 2) {
    writer.word(`"${name.replace(/["\\]/g, '\\$&')}"`, space);
  } else writer.encoded(name, space);
}

/** Refuses an address that is not an RFC 5321 mailbox, naming it. */
export function assertAddress(address: string, options: FieldOptions = {}): void {
  const reason = checkAddress(address, { utf8: options.utf8 === true });
  if (reason !== undefined) {
    throw composeError('COMPOSE_BAD_ADDRESS', `${JSON.stringify(address)}: ${reason}`, address);
  }
}

/** `From`, `To`, `Cc`: mailboxes separated by commas, folded between words. */
export function addressField(
  name: string,
  mailboxes: readonly Mailbox[],
  options: FieldOptions = {},
): string {
  const writer = new FieldWriter(name);
  mailboxes.forEach((mailbox, i) => {
    assertAddress(mailbox.address, options);
    const comma = i < mailboxes.length - 1 ? ',' : '';
    const displayName = mailbox.name.trim();
    if (displayName === '') {
      writer.word(mailbox.address + comma);
      return;
    }
    writePhrase(writer, displayName, ' ');
    writer.word(`<${mailbox.address}>${comma}`);
  });
  return writer.toString();
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * RFC 5322 §3.3 date-time, `Tue, 08 Dec 2026 02:10:59 +0100`, written in the
 * zone `offsetMinutes` east of UTC (the sender's local time by default).
 */
export function formatDate(date: Date, offsetMinutes = -date.getTimezoneOffset()): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const zone = Math.abs(offsetMinutes);
  return (
    `${DAYS[local.getUTCDay()]}, ${pad(local.getUTCDate())} ${MONTHS[local.getUTCMonth()]} ` +
    `${local.getUTCFullYear()} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:` +
    `${pad(local.getUTCSeconds())} ${sign}${pad(Math.floor(zone / 60))}${pad(zone % 60)}`
  );
}

/**
 * A new RFC 5322 §3.6.4 msg-id: 128 random bits and the sender's domain
 * (unique because the random part is; §3.6.4 asks only that). A domain that
 * is not ASCII is written only where RFC 6532 allows it.
 */
export function createMessageId(
  random: Uint8Array,
  senderAddress: string,
  options: FieldOptions = {},
): string {
  const left = [...random].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  const domain = senderAddress.slice(senderAddress.lastIndexOf('@') + 1);
  const right = isNonAscii(domain) && !options.utf8 ? 'compose.invalid' : domain;
  return `<${left}@${right}>`;
}

/** A msg-id as given, with its angle brackets added when missing; refuses one with spaces. */
export function normalizeMessageId(id: string): string {
  const trimmed = id.trim();
  const bracketed = trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
  if (!MSG_ID.test(bracketed)) {
    throw composeError('COMPOSE_BAD_HEADER', `${JSON.stringify(id)} is not a message-id`, id);
  }
  return bracketed;
}

/** `Message-ID`, `In-Reply-To`, `References`: msg-ids separated by spaces (RFC 5322 §3.6.4). */
export function messageIdField(name: string, ids: readonly string[]): string {
  const writer = new FieldWriter(name);
  for (const id of ids) writer.word(normalizeMessageId(id));
  return writer.toString();
}

/** A field whose value is already exact ASCII (`MIME-Version`, `Date`, `Content-*`). */
export function plainField(name: string, value: string): string {
  const writer = new FieldWriter(name);
  value.split(' ').forEach((word) => writer.word(word));
  return writer.toString();
}
