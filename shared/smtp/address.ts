// Mailbox syntax of RFC 5321 §4.1.2 with the length limits of §4.5.3.1, and
// the UTF-8 extension of RFC 6531 §3.3 (only when the transaction uses
// SMTPUTF8). Pure; returns a reason, never throws.

const encoder = new TextEncoder();

/** RFC 5321 §4.5.3.1.1. */
export const MAX_LOCAL_PART = 64;
/** RFC 5321 §4.5.3.1.2. */
export const MAX_DOMAIN = 255;
/** RFC 5321 §4.5.3.1.3: the path, angle brackets included. */
export const MAX_PATH = 256;

// RFC 5321 §4.1.2 atext (RFC 5322 §3.2.3), and RFC 6531 §3.3 UTF8-non-ascii.
const ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+$/;
const ATOM_UTF8 = /^(?:[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]|[\u{80}-\u{10ffff}])+$/u;
// RFC 5321 §4.1.2 qtextSMTP / quoted-pairSMTP inside DQUOTE.
const QUOTED = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;
const QUOTED_UTF8 = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|[\u{80}-\u{10ffff}]|\\[\x20-\x7e])*"$/u;
// RFC 5321 §4.1.2 sub-domain = Let-dig [Ldh-str]; RFC 1035 §2.3.4: 63 octets a label.
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
// RFC 6531 §3.3: a U-label (RFC 5890) where the ASCII form would allow an LDH label.
const LABEL_UTF8 = /^[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}-]*[\p{L}\p{N}\p{M}])?$/u;
// RFC 5321 §4.1.3 address literals: IPv4 and IPv6 only (no General-address-literal).
const IPV4 =
  /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;
const IPV6 = /^IPv6:[0-9A-Fa-f:.]{2,45}$/;
const NON_ASCII = /[\u{80}-\u{10ffff}]/u;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

export interface AddressOptions {
  /** RFC 6531: non-ASCII local parts and domains are allowed in this transaction. */
  utf8?: boolean;
}

const octets = (text: string): number => encoder.encode(text).length;

/** Why `domain` is not an RFC 5321 Domain or address-literal, or undefined when it is. */
export function checkDomain(domain: string, options: AddressOptions = {}): string | undefined {
  if (domain === '') return 'the domain is empty';
  if (CONTROL.test(domain)) return 'the domain holds a control character';
  if (octets(domain) > MAX_DOMAIN) return `the domain is over ${MAX_DOMAIN} octets`;
  if (domain.startsWith('[')) {
    const inner = domain.endsWith(']') ? domain.slice(1, -1) : '';
    return IPV4.test(inner) || IPV6.test(inner) ? undefined : 'not an IPv4 or IPv6 literal';
  }
  for (const label of domain.split('.')) {
    const isAscii = !NON_ASCII.test(label);
    if (
      isAscii ? LABEL.test(label) : options.utf8 && LABEL_UTF8.test(label) && octets(label) <= 63
    ) {
      continue;
    }
    if (!isAscii && !options.utf8) return 'a non-ASCII domain needs SMTPUTF8';
    return `the domain label ${JSON.stringify(label.slice(0, 20))} is not valid`;
  }
  return undefined;
}

/** Why `local` is not an RFC 5321 Local-part, or undefined when it is. */
export function checkLocalPart(local: string, options: AddressOptions = {}): string | undefined {
  if (local === '') return 'the local part is empty';
  if (CONTROL.test(local)) return 'the local part holds a control character';
  if (octets(local) > MAX_LOCAL_PART) return `the local part is over ${MAX_LOCAL_PART} octets`;
  const isAscii = !NON_ASCII.test(local);
  if (!isAscii && !options.utf8) return 'a non-ASCII local part needs SMTPUTF8';
  if (local.startsWith('"')) {
    return (options.utf8 ? QUOTED_UTF8 : QUOTED).test(local) ? undefined : 'bad quoted local part';
  }
  // Dot-string = Atom *("." Atom): no leading, trailing or doubled dot.
  const atom = options.utf8 ? ATOM_UTF8 : ATOM;
  return local.split('.').every((part) => atom.test(part)) ? undefined : 'bad local part';
}

/** Split `local@domain` at the last `@` outside a quoted local part. */
export function splitAddress(address: string): [string, string] | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0) return undefined;
  return [address.slice(0, at), address.slice(at + 1)];
}

/** Why `address` is not an RFC 5321 Mailbox, or undefined when it is. */
export function checkAddress(address: string, options: AddressOptions = {}): string | undefined {
  const parts = splitAddress(address);
  if (!parts) return 'an address needs a local part, "@" and a domain';
  const reason = checkLocalPart(parts[0], options) ?? checkDomain(parts[1], options);
  if (reason !== undefined) return reason;
  return octets(address) + 2 > MAX_PATH ? `the path is over ${MAX_PATH} octets` : undefined;
}

/** True when `text` holds a character outside US-ASCII (RFC 6531 needed). */
export function isNonAscii(text: string): boolean {
  return NON_ASCII.test(text);
}
