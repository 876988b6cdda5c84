// What search matches: sender, To and Cc, subject, the date as the list shows
// it in each language and as YYYY-MM-DD, and the text of opened messages.

import { describe, expect, it } from 'vitest';
import { formatListDate } from '../../../client/format.ts';
import { visibleRows, type MessageRow } from '../../../client/state/message-rows.ts';
import { matchesSearch, type ListHeader } from '../../../client/state/search-match.ts';

const NOV_22 = new Date(2026, 10, 22, 9, 30).getTime();
const NOW = new Date(2026, 11, 8, 12, 0).getTime();

const header: ListHeader = {
  from: 'Ann Lee',
  fromAddress: 'ann@example.test',
  subject: 'Quarterly numbers',
  date: NOV_22,
  hasAttachment: false,
  recipients: 'Bob Stone bob@example.test Carol carol@example.test',
};

const label = (tag: string) => (time: number) => formatListDate(time, tag, NOW);

describe('matchesSearch', () => {
  it('finds sender, recipients and subject, whatever the case', () => {
    for (const needle of ['ann lee', 'ann@example', 'bob stone', 'carol@', 'quarterly']) {
      expect(matchesSearch('u1', header, needle), needle).toBe(true);
    }
    expect(matchesSearch('u1', header, 'dave')).toBe(false);
  });

  it('finds the date as the list shows it in English and Chinese, and as YYYY-MM-DD', () => {
    expect(formatListDate(NOV_22, 'en', NOW)).toBe('Nov 22');
    expect(matchesSearch('u1', header, 'nov 22', { dateLabel: label('en') })).toBe(true);
    expect(matchesSearch('u1', header, '11月22日', { dateLabel: label('zh-CN') })).toBe(true);
    expect(matchesSearch('u1', header, 'nov 22', { dateLabel: label('zh-CN') })).toBe(false);
    expect(matchesSearch('u1', header, '2026-11-22')).toBe(true);
  });

  it('finds the text of a message opened on this device, and only of that one', () => {
    const bodyText = (uidl: string) => (uidl === 'u1' ? 'The budget is attached.' : undefined);
    expect(matchesSearch('u1', header, 'budget', { bodyText })).toBe(true);
    expect(matchesSearch('u2', header, 'budget', { bodyText })).toBe(false);
  });

  it('reads headers cached before recipients were kept', () => {
    const old: ListHeader = { ...header, recipients: undefined };
    expect(matchesSearch('u1', old, 'bob')).toBe(false);
    expect(matchesSearch('u1', old, 'ann')).toBe(true);
  });
});

describe('visibleRows with a search', () => {
  it('passes the sources through and leaves rows without headers out', () => {
    const rows: MessageRow[] = [
      { uidl: 'u1', msg: 1, size: 1, header },
      { uidl: 'u2', msg: 2, size: 1, header: undefined },
      { uidl: 'u3', msg: 3, size: 1, header: { ...header, subject: 'Other', date: null } },
    ];
    const shown = visibleRows(rows, new Set(), 'Nov 22', 'arrival', { dateLabel: label('en') });
    expect(shown.map((row) => row.uidl)).toEqual(['u1']);
  });
});
