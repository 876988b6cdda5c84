// What a message-list row shows, from the header block of TOP n 0: sender,
// subject, date and an attachment mark. The decoding is shared/mail's one rule;
// this adds what a row needs: bounded plain text, rendered as text nodes only
// (docs/security.md #52).

import { readMessageHeaders } from '../../shared/mail/index.ts';
import { neutralizeText } from '../reader/display-text.ts';

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

function clean(text: string, max: number): string {
  const collapsed = neutralizeText(text).replace(/\s+/g, ' ').trim();
  return collapsed.length > max ? `${collapsed.slice(0, max - 1)}…` : collapsed;
}

/** The summary of one message from its header bytes. */
export function summarizeHeaders(bytes: Uint8Array): HeaderSummary {
  const headers = readMessageHeaders(bytes);
  const name = clean(headers.from?.name ?? '', 200);
  const address = clean(headers.from?.address ?? '', 200);
  return {
    from: name || address,
    fromAddress: address,
    subject: clean(headers.subject, 500),
    date: headers.date,
    hasAttachment: headers.contentType === 'multipart/mixed',
  };
}
