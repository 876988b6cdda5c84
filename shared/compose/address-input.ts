// What a person types in To, Cc or Bcc ("Ann <a@b>, c@d; \"Last, First\"
// <e@f>") → mailboxes, each checked as an RFC 5321 address, and back to text
// for the box. Lenient where people are (`;` as a separator, stray spaces),
// strict where the server is: every bad entry is named, none is dropped.

import { checkAddress, type AddressOptions } from '../smtp/address.ts';
import type { Mailbox } from './header-fields.ts';

export interface AddressInputError {
  code: 'COMPOSE_BAD_ADDRESS';
  /** The entry as typed, trimmed. */
  entry: string;
  /** Why, in words (from checkAddress or the list syntax). */
  reason: string;
}

export interface AddressInput {
  mailboxes: Mailbox[];
  errors: AddressInputError[];
}

/** Splits at `,` and `;` outside quotes and angle brackets (RFC 5322 §3.4 address-list). */
function entries(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let isQuoted = false;
  let isAngled = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (isQuoted && ch === '\\') i++;
    else if (ch === '"') isQuoted = !isQuoted;
    else if (!isQuoted && ch === '<') isAngled = true;
    else if (!isQuoted && ch === '>') isAngled = false;
    else if (!isQuoted && !isAngled && (ch === ',' || ch === ';')) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  const rest = text.slice(start);
  const cut = rest.search(/[,;]/);
  if ((isQuoted || isAngled) && cut >= 0) {
    // An unclosed `"` or `<` must not swallow the entries after it: it ends at
    // the next separator, and that entry alone is reported.
    out.push(rest.slice(0, cut), ...entries(rest.slice(cut + 1)));
  } else out.push(rest);
  return out.map((entry) => entry.trim()).filter((entry) => entry !== '');
}

/** RFC 5322 §3.2.4 quoted-string → its text, quoted-pairs undone. */
function unquote(name: string): string {
  if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) {
    return name.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return name;
}

/** One entry → a mailbox, or why it is not one. */
function parseEntry(entry: string, options: AddressOptions): Mailbox | string {
  let name = '';
  let address = entry;
  const open = entry.lastIndexOf('<');
  if (open >= 0) {
    if (!entry.endsWith('>')) return 'the address has no closing ">"';
    const raw = entry.slice(0, open).trim();
    if (raw.includes('"') && !/^"(?:[^"\\]|\\.)*"$/.test(raw)) return 'a quote is not closed';
    name = unquote(raw);
    address = entry.slice(open + 1, -1).trim();
  } else if (entry.includes('>')) return 'a ">" with no "<"';
  else if ((entry.match(/"/g)?.length ?? 0) % 2 === 1) return 'a quote is not closed';
  else if (/\s/.test(entry)) return 'a name needs its address in <…>';
  return checkAddress(address, options) ?? { name, address };
}

/**
 * Parses a To, Cc or Bcc box. Empty entries (`a@b,,c@d`, a trailing comma)
 * are skipped; each other entry gives a mailbox or an error naming it, in
 * the order typed. `utf8` allows RFC 6531 addresses (SMTPUTF8 offered).
 */
export function parseAddressInput(text: string, options: AddressOptions = {}): AddressInput {
  const result: AddressInput = { mailboxes: [], errors: [] };
  for (const entry of entries(text)) {
    const parsed = parseEntry(entry, options);
    if (typeof parsed === 'string') {
      result.errors.push({ code: 'COMPOSE_BAD_ADDRESS', entry, reason: parsed });
    } else result.mailboxes.push(parsed);
  }
  return result;
}

/**
 * Mailboxes as the box shows them: `Name <a@b>`, quoted when the name holds
 * a separator or a quote, so that parseAddressInput() reads it back the same.
 */
export function formatAddressInput(mailboxes: readonly Mailbox[]): string {
  return mailboxes
    .map(({ name, address }) => {
      if (name === '') return address;
      const needsQuotes = /[",;<>\\]/.test(name) || name !== name.trim();
      return `${needsQuotes ? `"${name.replace(/["\\]/g, '\\$&')}"` : name} <${address}>`;
    })
    .join(', ');
}
