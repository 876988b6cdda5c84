// Subject, From, To, Cc, Reply-To and Date of a parsed message, as text nodes only:
// encoded-words decoded by shared/mail stay text, whatever they spell (docs/security.md
// #52; CVE-2026-54432, CVE-2021-44025, CVE-2026-48849).
import type { JSX } from 'preact';
import { neutralizeText, shortenMiddle } from './display-text.ts';
import type { ParsedAddress, ParsedMessage } from './message-types.ts';

// A semicolon flood (mutt CVE-2021-3181) can yield thousands of recipients.
const MAX_SHOWN_ADDRESSES = 50;

/** `Name <address>`, or the bare address; neutralized and bounded. */
export function formatAddress(entry: ParsedAddress): string {
  const name = shortenMiddle(neutralizeText(entry.name).trim(), 80);
  const address = shortenMiddle(neutralizeText(entry.address).trim(), 120);
  if (name && address && name !== address) return `${name} <${address}>`;
  return name || address;
}

/** Header names and fixed texts of the block; English by default, injectable. */
export interface HeaderLabels {
  from: string;
  to: string;
  cc: string;
  replyTo: string;
  date: string;
  noSubject: string;
  /** Said after the first addresses of a flood: "and 4950 more". */
  andMore: (count: number) => string;
}

export const ENGLISH_HEADER_LABELS: HeaderLabels = {
  from: 'From',
  to: 'To',
  cc: 'Cc',
  replyTo: 'Reply-To',
  date: 'Date',
  noSubject: '(no subject)',
  andMore: (count) => `and ${count} more`,
};

/** A list of addresses as one line of text, with "and N more" past the cap. */
export function formatAddressList(
  list: readonly ParsedAddress[],
  andMore: HeaderLabels['andMore'] = ENGLISH_HEADER_LABELS.andMore,
): string {
  const shown = list.slice(0, MAX_SHOWN_ADDRESSES).map(formatAddress).filter(Boolean);
  const rest = list.length - Math.min(list.length, MAX_SHOWN_ADDRESSES);
  return rest > 0 ? `${shown.join(', ')} ${andMore(rest)}` : shown.join(', ');
}

/**
 * Date and time in the locale's own style, to the minute: seconds say nothing to
 * a reader, and `timeStyle` keeps the locale's clock (no "05:35 PM" in en-US).
 */
export function formatHeaderDate(iso: string, locale: string | undefined): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(time);
}

/** Props of {@link MessageHeaders}. */
export interface MessageHeadersProps {
  message: Pick<ParsedMessage, 'subject' | 'from' | 'to' | 'cc' | 'replyTo' | 'date'>;
  /** BCP 47 locale for the date; the browser's by default. */
  locale?: string;
  labels?: HeaderLabels;
}

/** The header block of the reader. Every value is a Preact text node. */
export function MessageHeaders({ message, locale, labels }: MessageHeadersProps): JSX.Element {
  const l = labels ?? ENGLISH_HEADER_LABELS;
  const rows: [string, string][] = [];
  if (message.from) rows.push([l.from, formatAddress(message.from)]);
  if (message.to.length) rows.push([l.to, formatAddressList(message.to, l.andMore)]);
  if (message.cc.length) rows.push([l.cc, formatAddressList(message.cc, l.andMore)]);
  if (message.replyTo.length) {
    rows.push([l.replyTo, formatAddressList(message.replyTo, l.andMore)]);
  }
  const date = message.date ? formatHeaderDate(message.date, locale) : '';
  if (date) rows.push([l.date, date]);
  const full = neutralizeText(message.subject).trim();
  const subject = shortenMiddle(full, 300);
  return (
    <header class="message-headers">
      {/* The title shows the whole subject where the line cuts it (or we shortened it). */}
      <h2 title={full || undefined}>
        <bdi>{subject || l.noSubject}</bdi>
      </h2>
      <dl>
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>
              <bdi>{value}</bdi>
            </dd>
          </div>
        ))}
      </dl>
    </header>
  );
}
