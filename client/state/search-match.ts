// What a search matches in one row: sender, recipients, subject, the date as
// the list shows it in the chosen language ("Nov 22", "11月22日") or as
// YYYY-MM-DD, and the text of a message already opened on this device.

import type { HeaderSummary } from '../mail/header-summary.ts';

/** A list header, with the To and Cc text a search looks in. */
export interface ListHeader extends HeaderSummary {
  /** To and Cc names and addresses, space-separated; absent in headers cached before it. */
  recipients?: string;
}

export interface SearchSources {
  /** The date as the list row shows it. */
  dateLabel?: (time: number) => string;
  /** The text of a message opened on this device, if any. */
  bodyText?: (uidl: string) => string | undefined;
}

/** Local calendar date as YYYY-MM-DD, so a search for "2025-06" finds June's mail. */
export function localDay(time: number): string {
  const date = new Date(time);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The search box's text as the matcher compares it. */
export function normalizeQuery(query: string): string {
  return query.trim().toLowerCase();
}

/** Whether the row `uidl` with `header` matches `needle` (already normalized). */
export function matchesSearch(
  uidl: string,
  header: ListHeader,
  needle: string,
  sources: SearchSources = {},
): boolean {
  const has = (text: string | undefined): boolean =>
    text !== undefined && text.toLowerCase().includes(needle);
  if (has(header.subject) || has(header.from) || has(header.fromAddress)) return true;
  if (has(header.recipients)) return true;
  if (header.date !== null) {
    if (localDay(header.date).includes(needle)) return true;
    if (sources.dateLabel && has(sources.dateLabel(header.date))) return true;
  }
  return has(sources.bodyText?.(uidl));
}
