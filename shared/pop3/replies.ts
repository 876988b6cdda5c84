// Parsers for the content of POP3 replies: greeting, CAPA, STAT, LIST, UIDL.
// Every listing is checked; one that breaks the rules is an error, not data.

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { protocolError, type Pop3ProtocolError } from './errors.ts';
import { MAX_MAILDROP_TOTAL, MAX_NUMBER } from './limits.ts';
import { isValidApopTimestamp } from './sasl/index.ts';

export interface Greeting {
  text: string;
  /** RFC 1939 §7 APOP timestamp, only when it is a well-formed msg-id. */
  apopTimestamp: string | undefined;
  /** A `<…>` token was there but failed validation (too long, malformed). */
  hasInvalidTimestamp: boolean;
}

export interface Capabilities {
  /** Every capability line, keyed by upper-case name, with its arguments. */
  raw: ReadonlyMap<string, readonly string[]>;
  /** False when the server refused CAPA: we know nothing, so we assume RFC 1939. */
  isKnown: boolean;
  sasl: readonly string[];
  hasTop: boolean;
  hasUidl: boolean;
  hasUser: boolean;
  hasPipelining: boolean;
  hasStls: boolean;
  hasAuthRespCode: boolean;
  /** RFC 2449 §6.5: seconds the server wants between logins. */
  loginDelaySeconds: number | undefined;
  /** RFC 2449 §6.7: days messages are kept; 'never', or undefined when unknown. */
  expireDays: number | 'never' | undefined;
  implementation: string | undefined;
}

export interface Stat {
  count: number;
  size: number;
}

export interface ListEntry {
  msg: number;
  size: number;
}

export interface UidlEntry {
  msg: number;
  uidl: string;
}

/** RFC 1939 §7: a unique-id is 1 to 70 characters in the range 0x21 to 0x7E. */
const UIDL = /^[!-~]{1,70}$/;
/** Longer or non-ASCII ids exist in the wild; controls (NUL included) and spaces never belong in one. */
function isPrintable(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return false;
  }
  return true;
}

function bad(message: string): Pop3ProtocolError {
  return protocolError('POP3_BAD_LISTING', message);
}

/**
 * A plain decimal (no sign, no point) up to `max`, or undefined. A loop, not
 * a regex: listings call this 20,000 times.
 */
function toNumber(text: string | undefined, max = MAX_NUMBER): number | undefined {
  if (text === undefined || text.length === 0 || text.length > 16) return undefined;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value <= max ? value : undefined;
}

/** The greeting text (after `+OK`), with its APOP timestamp if valid. */
export function parseGreeting(text: string): Greeting {
  // indexOf, not a regex: a greeting of 100,000 '<' must stay linear (docs/security.md #32).
  const close = text.lastIndexOf('>');
  const open = close < 0 ? -1 : text.lastIndexOf('<', close);
  if (open < 0) return { text, apopTimestamp: undefined, hasInvalidTimestamp: false };
  const candidate = text.slice(open, close + 1);
  const isValid = isValidApopTimestamp(candidate);
  return {
    text,
    apopTimestamp: isValid ? candidate : undefined,
    hasInvalidTimestamp: !isValid,
  };
}

/** What we assume about a server that does not answer CAPA. */
export const UNKNOWN_CAPABILITIES: Capabilities = {
  raw: new Map(),
  isKnown: false,
  sasl: [],
  hasTop: true,
  hasUidl: true,
  hasUser: true,
  hasPipelining: false,
  hasStls: false,
  hasAuthRespCode: false,
  loginDelaySeconds: undefined,
  expireDays: undefined,
  implementation: undefined,
};

/** RFC 2449 §5: one capability per line, a name then space-separated arguments. */
export function parseCapa(lines: readonly string[]): Capabilities {
  const raw = new Map<string, string[]>();
  for (const line of lines) {
    const [name, ...args] = line.trim().split(/\s+/);
    if (name) raw.set(name.toUpperCase(), args);
  }
  const expire = raw.get('EXPIRE')?.[0];
  return {
    raw,
    isKnown: true,
    sasl: (raw.get('SASL') ?? []).map((mechanism) => mechanism.toUpperCase()),
    hasTop: raw.has('TOP'),
    hasUidl: raw.has('UIDL'),
    hasUser: raw.has('USER'),
    hasPipelining: raw.has('PIPELINING'),
    hasStls: raw.has('STLS'),
    hasAuthRespCode: raw.has('AUTH-RESP-CODE'),
    loginDelaySeconds: toNumber(raw.get('LOGIN-DELAY')?.[0]),
    expireDays: expire?.toUpperCase() === 'NEVER' ? 'never' : toNumber(expire),
    implementation: raw.get('IMPLEMENTATION')?.join(' '),
  };
}

/** `+OK count size` (RFC 1939 §5). */
export function parseStat(text: string): Stat {
  const [countText, sizeText] = text.split(' ');
  const count = toNumber(countText);
  const size = toNumber(sizeText, MAX_MAILDROP_TOTAL);
  if (count === undefined || size === undefined) throw bad(`bad STAT reply: ${text.slice(0, 40)}`);
  return { count, size };
}

function splitPair(line: string, what: string): [number, string] {
  const space = line.indexOf(' ');
  const msg = toNumber(space < 0 ? undefined : line.slice(0, space));
  if (msg === undefined || msg < 1) throw bad(`bad ${what} line: ${line.slice(0, 40)}`);
  // RFC 2449 §6.1 lets servers add fields after the second: keep the second.
  const end = line.indexOf(' ', space + 1);
  return [msg, end < 0 ? line.slice(space + 1) : line.slice(space + 1, end)];
}

function checkNumbers(msgs: readonly number[], what: string): void {
  const seen = new Set<number>();
  for (const msg of msgs) {
    if (seen.has(msg)) throw bad(`${what} names message ${msg} twice`);
    seen.add(msg);
  }
}

/** One `msg size` line: a multi-line LIST entry or the text of `LIST n`'s +OK. */
export function parseListLine(line: string): ListEntry {
  const [msg, sizeText] = splitPair(line, 'LIST');
  const size = toNumber(sizeText);
  if (size === undefined) throw bad(`bad LIST size: ${line.slice(0, 40)}`);
  return { msg, size };
}

/** Marks a pseudo-UIDL; real unique-ids that start with it are hashed (see parseUidlLine). */
const PSEUDO_MARK = '#';

/**
 * The key of a message on a server without UIDL: `#n`, its number, which
 * names it in this session only. Such a key is never stored, cached or
 * deleted by: message numbers change from one session to the next (RFC 1939 §7).
 */
export function pseudoUidl(msg: number): string {
  return `${PSEUDO_MARK}${msg}`;
}

/** Whether a message key is a pseudo-UIDL (a number of this session), not a server's unique-id. */
export function isPseudoUidl(key: string): boolean {
  return key.startsWith(PSEUDO_MARK);
}

/**
 * One `msg uidl` line: a multi-line UIDL entry or the text of `UIDL n`'s +OK.
 * A unique-id outside RFC 1939's shape but free of controls (too long,
 * non-ASCII) comes back as `sha256:<hex>` of its text (docs/security.md #36): the
 * same server id always gives the same key, and no raw server text ever
 * becomes a storage key. So does one that starts like a pseudo-UIDL (`#` is
 * legal in a unique-id), which would otherwise be taken for a message number
 * and never be deletable. An empty id or one with controls is refused.
 */
export function parseUidlLine(line: string): UidlEntry {
  const [msg, uidl] = splitPair(line, 'UIDL');
  if (UIDL.test(uidl) && !isPseudoUidl(uidl)) return { msg, uidl };
  if (!isPrintable(uidl)) throw bad(`bad unique-id for message ${msg}`);
  return { msg, uidl: `sha256:${bytesToHex(sha256(utf8ToBytes(uidl)))}` };
}

/** A multi-line LIST: each number once. */
export function parseList(lines: readonly string[]): ListEntry[] {
  const entries = lines.map(parseListLine);
  checkNumbers(
    entries.map((entry) => entry.msg),
    'LIST',
  );
  return entries;
}

/** A multi-line UIDL: each number once, each unique-id printable and unique. */
export function parseUidl(lines: readonly string[]): UidlEntry[] {
  const entries = lines.map(parseUidlLine);
  checkNumbers(
    entries.map((entry) => entry.msg),
    'UIDL',
  );
  const seen = new Set<string>();
  for (const { uidl, msg } of entries) {
    // RFC 1939 §7: unique-ids are unique within a maildrop; a duplicate would
    // let a delete hit the wrong message.
    if (seen.has(uidl)) throw bad(`UIDL repeats a unique-id (message ${msg})`);
    seen.add(uidl);
  }
  return entries;
}
