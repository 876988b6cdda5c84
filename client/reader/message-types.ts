// The parsed-message shape the reader view consumes, the MIME limits and the one
// error type of the MIME layer. Plain data only: it crosses the worker boundary.

/** One mailbox of an address header; groups are flattened into their members. */
export interface ParsedAddress {
  /** Decoded display name, '' when the header gave none. Untrusted text. */
  name: string;
  /** The address as written. Untrusted text. */
  address: string;
}

/** One non-body MIME part (file attachment, inline image, nested message). */
export interface ParsedAttachment {
  /** Decoded file name (RFC 2047 / RFC 2231), null when the part names none. Untrusted. */
  filename: string | null;
  /** Lower-case MIME type as declared by the sender (a claim, never proof). */
  mimeType: string;
  /** Exact byte length of `bytes`. */
  size: number;
  /** Content-ID without angle brackets, null when absent. */
  contentId: string | null;
  /** Content-Disposition token, lower case, null when absent. */
  disposition: string | null;
  /** Decoded Content-Description, '' when absent. Untrusted text. */
  description: string;
  /** True when the part sits in a multipart/related and has a Content-ID. */
  related: boolean;
  /** A message/rfc822 part past `maxRfc822NestingDepth`, kept unparsed (docs/security.md #41). */
  rfc822DepthExceeded: boolean;
  /** The decoded content; transferred, not copied, out of the worker. */
  bytes: ArrayBuffer;
}

/** What the reader needs from one message. Every string is untrusted sender data. */
export interface ParsedMessage {
  subject: string;
  from: ParsedAddress | null;
  to: ParsedAddress[];
  cc: ParsedAddress[];
  replyTo: ParsedAddress[];
  /** ISO 8601 when the Date header parsed, otherwise null. */
  date: string | null;
  /** Plain-text body, null when the message has none. */
  text: string | null;
  /** Unsanitized HTML body, null when the message has none. Only for sanitize-html.ts. */
  html: string | null;
  attachments: ParsedAttachment[];
}

/** Explicit parse limits (docs/security.md #41); every one is finite. */
export interface MimeLimits {
  /** Raw message size cap, checked before postal-mime sees a byte (breadth is unbounded). */
  maxRawBytes: number;
  /** postal-mime `maxNestingDepth`: multipart depth, rejects beyond. */
  maxNestingDepth: number;
  /** postal-mime `maxHeadersSize`: header bytes summed over all parts, rejects beyond. */
  maxHeadersSize: number;
  /** postal-mime `maxRfc822NestingDepth`: deeper message/rfc822 parts become attachments. */
  maxRfc822NestingDepth: number;
  /** Wall-clock budget of one parse in the worker; the worker is terminated after it. */
  timeoutMs: number;
}

/** Defaults from docs/security.md #33 (50 MiB message) and 41 (depths and header size). */
export const DEFAULT_MIME_LIMITS: Readonly<MimeLimits> = Object.freeze({
  maxRawBytes: 50 * 1024 * 1024,
  maxNestingDepth: 100,
  maxHeadersSize: 1024 * 1024,
  maxRfc822NestingDepth: 5,
  timeoutMs: 10_000,
});

/** Stable codes of the MIME layer; branch on these, never on the message text. */
export type MimeErrorCode = 'MIME_TOO_LARGE' | 'MIME_TIMEOUT' | 'MIME_PARSE_FAILED';

/** The only error the MIME layer raises. Serializable as `{ code, message }`. */
export class MimeError extends Error {
  override readonly name = 'MimeError';
  constructor(
    readonly code: MimeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Builds every MIME error in one place, with a message a reader can be shown. */
export function mimeError(code: MimeErrorCode, detail?: string): MimeError {
  const base: Record<MimeErrorCode, string> = {
    MIME_TOO_LARGE: 'The message is too large to display.',
    MIME_TIMEOUT: 'The message took too long to read and was skipped.',
    MIME_PARSE_FAILED: 'The message could not be read.',
  };
  return new MimeError(code, detail ? `${base[code]} (${detail})` : base[code]);
}

/** Merges caller overrides onto the defaults, refusing values that would disable a limit. */
export function resolveLimits(overrides: Partial<MimeLimits> = {}): MimeLimits {
  const limits = { ...DEFAULT_MIME_LIMITS, ...overrides };
  for (const [key, value] of Object.entries(limits)) {
    // postal-mime treats a NaN or string limit as "no limit" (its parseLimitOption
    // comment); we refuse them before they get that far.
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new TypeError(`MIME limit ${key} must be a non-negative integer`);
    }
  }
  return limits;
}
