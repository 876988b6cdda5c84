// Subject, From, To, Cc, Reply-To and Date of a parsed message, as text nodes only:
// encoded-words decoded by shared/mail stay text, whatever they spell (SECURITY.md
// 52; CVE-2026-54432, CVE-2021-44025, CVE-2026-48849).
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

/** A list of addresses as one line of text, with "and N more" past the cap. */
export function formatAddressList(list: readonly ParsedAddress[]): string {
  const shown = list.slice(0, MAX_SHOWN_ADDRESSES).map(formatAddress).filter(Boolean);
  const rest = list.length - Math.min(list.length, MAX_SHOWN_ADDRESSES);
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

/** Props of {@link MessageHeaders}. */
export interface MessageHeadersProps {
  message: Pick<ParsedMessage, 'subject' | 'from' | 'to' | 'cc' | 'replyTo' | 'date'>;
  /** BCP 47 locale for the date; the browser's by default. */
  locale?: string;
}

/** The header block of the reader. Every value is a Preact text node. */
export function MessageHeaders({ message, locale }: MessageHeadersProps): JSX.Element {
  const rows: [string, string][] = [];
  if (message.from) rows.push(['From', formatAddress(message.from)]);
  if (message.to.length) rows.push(['To', formatAddressList(message.to)]);
  if (message.cc.length) rows.push(['Cc', formatAddressList(message.cc)]);
  if (message.replyTo.length) rows.push(['Reply-To', formatAddressList(message.replyTo)]);
  if (message.date) rows.push(['Date', new Date(message.date).toLocaleString(locale)]);
  const subject = shortenMiddle(neutralizeText(message.subject).trim(), 300);
  return (
    <header class="message-headers">
      <h2>
        <bdi>{subject || '(no subject)'}</bdi>
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
