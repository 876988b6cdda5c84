// Message rows (one per message of the listing) and the pure functions that
// order and filter them for the list; the mailbox store wires these into a
// computed signal. Knows no session, store or view.

import {
  matchesSearch,
  normalizeQuery,
  type ListHeader,
  type SearchSources,
} from './search-match.ts';

export interface MessageRow {
  /** The UIDL, or `#n` in a mailbox without UIDL (read-only, never cached). */
  uidl: string;
  /** The message number in the current session (RFC 1939: valid for one session only). */
  msg: number;
  size: number;
  header: ListHeader | undefined;
}

export type SortKey = 'arrival' | 'date' | 'from' | 'subject';
export const SORT_KEYS: readonly SortKey[] = ['arrival', 'date', 'from', 'subject'];

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
// "Re: Re: Fwd: x" sorts with "x"; includes the Chinese reply and forward prefixes.
const REPLY_PREFIX = /^(?:(?:re|fw|fwd|aw|sv|回复|答复|转发)\s*(?:\[\d+\])?\s*[:：]\s*)+/i;

function byText(pick: (header: ListHeader) => string) {
  return (a: MessageRow, b: MessageRow): number => {
    if (!a.header || !b.header) return a.header ? -1 : b.header ? 1 : b.msg - a.msg;
    return collator.compare(pick(a.header), pick(b.header)) || b.msg - a.msg;
  };
}

const COMPARE: Record<Exclude<SortKey, 'arrival'>, (a: MessageRow, b: MessageRow) => number> = {
  date: (a, b) => {
    const x = a.header?.date ?? null;
    const y = b.header?.date ?? null;
    // Messages without a known date go last, newest arrival first.
    if (x === null || y === null) return x !== null ? -1 : y !== null ? 1 : b.msg - a.msg;
    return y - x || b.msg - a.msg;
  },
  from: byText((header) => header.from),
  subject: byText((header) => header.subject.replace(REPLY_PREFIX, '')),
};

/**
 * The rows to show: not hidden (pending deletion), matching `query` when there is
 * one (rows whose headers are not loaded yet cannot match), in `sort` order.
 * `rows` is in server order (ascending message numbers).
 */
export function visibleRows(
  rows: readonly MessageRow[],
  hidden: ReadonlySet<string>,
  query: string,
  sort: SortKey,
  sources: SearchSources = {},
): MessageRow[] {
  const needle = normalizeQuery(query);
  const out: MessageRow[] = [];
  // Newest arrival first: the reverse of server order.
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i];
    if (row === undefined || hidden.has(row.uidl)) continue;
    if (needle && !(row.header && matchesSearch(row.uidl, row.header, needle, sources))) continue;
    out.push(row);
  }
  return sort === 'arrival' ? out : out.sort(COMPARE[sort]);
}
