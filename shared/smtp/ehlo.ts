// The EHLO reply (RFC 5321 §4.1.1.1): the server's name, then one service
// extension per line. Turns those lines into the few facts the session and
// the gateway act on. Pure; unknown keywords are kept, never acted on.

import type { SmtpReply } from './reply-parser.ts';

export interface EhloCapabilities {
  /** The domain the server names on the first line. */
  domain: string;
  /**
   * RFC 1870 SIZE: the largest message in octets; 0 means the server
   * announced no fixed limit; undefined means SIZE is not offered.
   */
  size: number | undefined;
  /** RFC 4954 AUTH mechanisms, upper case; empty when AUTH is not offered. */
  auth: string[];
  /** RFC 2920. */
  pipelining: boolean;
  /** RFC 6152. */
  eightBitMime: boolean;
  /** RFC 6531. */
  smtpUtf8: boolean;
  /** RFC 2034 (codes of RFC 3463 in replies). */
  enhancedStatusCodes: boolean;
  /** RFC 3030 BDAT. */
  chunking: boolean;
  /** RFC 3207. */
  startTls: boolean;
  /** RFC 3461. */
  dsn: boolean;
  /** Every keyword with its parameters, keyword upper case. */
  keywords: Map<string, string[]>;
}

/** What a server that answered only HELO (or nothing yet) offers: nothing. */
export const NO_EXTENSIONS: EhloCapabilities = Object.freeze({
  domain: '',
  size: undefined,
  auth: [],
  pipelining: false,
  eightBitMime: false,
  smtpUtf8: false,
  enhancedStatusCodes: false,
  chunking: false,
  startTls: false,
  dsn: false,
  keywords: new Map<string, string[]>(),
});

// RFC 5321 §4.1.1.1: ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-").
const KEYWORD = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
// RFC 4422 §3.1: SASL mechanism names are 1 to 20 of A-Z, 0-9, "-" and "_".
const MECHANISM = /^[A-Z0-9_-]{1,20}$/;
const SIZE_VALUE = /^[0-9]{1,15}$/;

/** Parse a 250 reply to EHLO; lines that are not keywords are skipped. */
export function parseEhlo(reply: SmtpReply): EhloCapabilities {
  const [first = '', ...rest] = reply.lines;
  const keywords = new Map<string, string[]>();
  const auth = new Set<string>();
  for (const line of rest) {
    const words = line.trim().split(/\s+/);
    let keyword = words.shift() ?? '';
    // Old servers (Outlook, Exchange 5.5) send `AUTH=LOGIN PLAIN` alongside AUTH.
    if (/^AUTH=/i.test(keyword)) {
      words.unshift(keyword.slice(5));
      keyword = 'AUTH';
    }
    if (!KEYWORD.test(keyword)) continue;
    const name = keyword.toUpperCase();
    keywords.set(name, [...(keywords.get(name) ?? []), ...words]);
    if (name === 'AUTH') {
      for (const word of words) {
        const mechanism = word.toUpperCase();
        if (MECHANISM.test(mechanism)) auth.add(mechanism);
      }
    }
  }
  const sizeWord = keywords.get('SIZE')?.[0];
  let size: number | undefined;
  if (keywords.has('SIZE')) {
    // RFC 1870 §4: SIZE without a number, or 0, means no fixed maximum.
    size = sizeWord !== undefined && SIZE_VALUE.test(sizeWord) ? Number(sizeWord) : 0;
  }
  return {
    domain: first.trim().split(/\s+/)[0] ?? '',
    size,
    auth: [...auth],
    pipelining: keywords.has('PIPELINING'),
    eightBitMime: keywords.has('8BITMIME'),
    smtpUtf8: keywords.has('SMTPUTF8'),
    enhancedStatusCodes: keywords.has('ENHANCEDSTATUSCODES'),
    chunking: keywords.has('CHUNKING'),
    startTls: keywords.has('STARTTLS'),
    dsn: keywords.has('DSN'),
    keywords,
  };
}

export interface EhloRewrite {
  /** Keywords (upper case) to leave out. */
  hide: ReadonlySet<string>;
  /** A lower SIZE to announce instead of the server's, when it announced one (RFC 1870 §4). */
  size?: number;
}

/**
 * A 250 EHLO reply re-encoded with some keywords left out and SIZE lowered,
 * for a relay that must not offer what it will refuse (RFC 5321 §4.1.1.1:
 * the first line names the server, each later line one keyword).
 */
export function formatEhloReply(reply: SmtpReply, rewrite: EhloRewrite): Uint8Array<ArrayBuffer> {
  const [first = '', ...rest] = reply.lines;
  const lines = [first];
  for (const line of rest) {
    const keyword = (line.trim().split(/[\s=]/, 1)[0] ?? '').toUpperCase();
    if (rewrite.hide.has(keyword)) continue;
    if (keyword === 'SIZE' && rewrite.size !== undefined) {
      const offered = parseEhlo({ ...reply, lines: ['', line] }).size ?? 0;
      const size = offered > 0 ? Math.min(offered, rewrite.size) : rewrite.size;
      lines.push(`SIZE ${size}`);
      continue;
    }
    lines.push(line);
  }
  const text = lines.map(
    (line, i) => `${reply.code}${i < lines.length - 1 ? '-' : ' '}${line}\r\n`,
  );
  return new TextEncoder().encode(text.join(''));
}
