// The header block a list row is made from. Usually TOP n 0; but raw 8-bit
// header bytes in a multipart message that names its charset only in its
// parts cannot be read from the header block alone, so for those few the
// first body lines are asked for too, and the first text part's charset
// decodes them, as the reader does with the whole message (issue 16's rule:
// the charset the message declares, top-level or first text part).

import { toBinary } from './charset.ts';
import { headerBounds } from './header-block.ts';
import { readMessageHeaders } from './message-headers.ts';

/** Body lines that hold the first part's header in the mail that needs it. */
export const FIRST_PART_LINES = 40;

/** A byte of 0x80 or more, in the binary string form of shared/mail/charset.ts. */
const NON_ASCII = /[\u0080-\uffff]/;

/** What listing needs of a POP3 session. */
export interface HeaderSource {
  headers(msg: number): Promise<Uint8Array>;
  top(msg: number, lines: number): Promise<Uint8Array>;
}

/**
 * True when `head` (a header block) has raw 8-bit bytes and no top-level
 * charset, in a multipart message: its parts may say what the bytes are.
 */
export function needsFirstPart(head: Uint8Array): boolean {
  const headers = readMessageHeaders(head);
  if (headers.charset !== null || !headers.contentType.startsWith('multipart/')) return false;
  const text = toBinary(head);
  return NON_ASCII.test(text.slice(0, headerBounds(text).headerEnd));
}

/** The bytes to read a list row from: the header block, with the first lines of body when needed. */
export async function listHeaders(source: HeaderSource, msg: number): Promise<Uint8Array> {
  const head = await source.headers(msg);
  return needsFirstPart(head) ? source.top(msg, FIRST_PART_LINES) : head;
}
