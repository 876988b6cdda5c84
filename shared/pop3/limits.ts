// Every limit of the POP3 layer, with its reason, in one place: the codec, the
// session, the gateway's guards and the upstream reader all import from here,
// so a cap never differs between the two ends of one connection.

/** RFC 2449 §4: a command line is at most 255 octets including CRLF. */
export const MAX_COMMAND_LINE = 255;

/**
 * RFC 5034 §4 lifts the 255-octet limit for SASL responses; SCRAM and
 * GSSAPI need more. Still finite (docs/security.md #30: 8 KiB).
 */
export const MAX_SASL_LINE = 8192;

/**
 * Longest status line accepted (greeting included), CRLF included.
 * RFC 1939 §3 says 512; real servers exceed it, so 8 KiB (docs/security.md #33).
 */
export const MAX_STATUS_LINE = 8 * 1024;

/** Longest body line accepted. Lines over 512 octets are normal in real mail. */
export const MAX_BODY_LINE = 1024 * 1024;

/**
 * Largest message number, line count, message size or message count, sent or
 * received (fits any 32-bit server; docs/security.md #35).
 */
export const MAX_NUMBER = 2 ** 31 - 1;

/** STAT's mailbox total is the one figure a real mailbox may push past 2 GiB. */
export const MAX_MAILDROP_TOTAL = Number.MAX_SAFE_INTEGER;

export interface ParserLimits {
  /** Longest status line accepted, CRLF included. */
  maxStatusLine: number;
  /** Longest body line accepted. */
  maxBodyLine: number;
}

export const DEFAULT_PARSER_LIMITS: ParserLimits = {
  maxStatusLine: MAX_STATUS_LINE,
  maxBodyLine: MAX_BODY_LINE,
};

export interface QueueLimits extends ParserLimits {
  /** Commands sent and not yet answered. */
  maxQueue: number;
  /** The body limit of a reply when the caller gives none (CAPA, LIST, UIDL). */
  maxListingBytes: number;
}

export interface SessionLimits extends QueueLimits {
  /** RETR and TOP bodies when the size is unknown; otherwise see messageLimit(). */
  maxMessageBytes: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  ...DEFAULT_PARSER_LIMITS,
  maxQueue: 100_000,
  maxListingBytes: 64 * 1024 * 1024,
  maxMessageBytes: 256 * 1024 * 1024,
};

/**
 * A server that stores LF line ends may list a size smaller than the CRLF
 * octets it sends (RFC 1939 §11), so a RETR may run past its LIST size.
 */
const MESSAGE_SIZE_FACTOR = 1.1;
const MESSAGE_SLACK = 64 * 1024;

/**
 * The most octets a RETR or TOP reply may carry: LIST size × 1.1 + 64 KiB when
 * the size is known, never more than `cap`.
 */
export function messageLimit(expectedSize: number | undefined, cap: number): number {
  if (expectedSize === undefined) return cap;
  return Math.min(Math.ceil(expectedSize * MESSAGE_SIZE_FACTOR) + MESSAGE_SLACK, cap);
}
