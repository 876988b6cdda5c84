// The sample mailbox of the demo: about thirty pleasant messages over three
// weeks, newest last, dated relative to when the mailbox is made.

import type { DemoMessage } from './mailbox.ts';
import { formatDate, serializeMessage, type Header, type MimeEntity } from './mime.ts';
import { SAMPLE_LETTERS } from './sample-letters.ts';
import { SAMPLE_NOTICES } from './sample-notices.ts';
import { PEOPLE } from './sample-people.ts';
import { SAMPLE_THREAD } from './sample-thread.ts';
import { SAMPLE_VISIT } from './sample-visit.ts';

/** One sample message before it is dated and serialized. */
export interface SampleMessage {
  uidl: string;
  /** Days before the mailbox is made and the sender's wall-clock "HH:MM", or minutes ago. */
  when: { daysAgo: number; time: string } | { minutesAgo: number };
  /** The sender's offset from UTC in minutes (+60 for Central Europe). */
  offset: number;
  from: string;
  to?: string;
  cc?: string;
  subject: string;
  messageId: string;
  /** Any other top-level headers (In-Reply-To, References, List-Id, …), after Message-ID. */
  headers?: Header[];
  entity: MimeEntity;
}

const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;

function dateOf(sample: SampleMessage, now: Date): Date {
  if ('minutesAgo' in sample.when) {
    return new Date(Math.floor(now.getTime() / MINUTE - sample.when.minutesAgo) * MINUTE);
  }
  // Days count from the UTC date for every sender, so a reply from New York
  // never lands before the message it answers from Europe, whatever `now` is.
  const [hours = 0, minutes = 0] = sample.when.time.split(':').map(Number);
  const midnight = Math.floor(now.getTime() / DAY) * DAY;
  return new Date(
    midnight - sample.when.daysAgo * DAY + (hours * 60 + minutes - sample.offset) * MINUTE,
  );
}

function render(sample: SampleMessage, date: Date): Uint8Array {
  const headers: Header[] = [
    ['Date', formatDate(date, sample.offset)],
    ['From', sample.from],
    ['To', sample.to ?? PEOPLE.demo],
  ];
  if (sample.cc) headers.push(['Cc', sample.cc]);
  headers.push(['Subject', sample.subject], ['Message-ID', sample.messageId]);
  headers.push(...(sample.headers ?? []));
  return serializeMessage(headers, sample.entity);
}

/**
 * A fresh copy of the sample mailbox, dated relative to `now`, oldest first.
 * Every Date header has the same length, so sizes do not depend on `now`.
 */
export function createSampleMailbox(now: Date = new Date()): DemoMessage[] {
  return [...SAMPLE_THREAD, ...SAMPLE_LETTERS, SAMPLE_VISIT, ...SAMPLE_NOTICES]
    .map((sample) => ({ sample, date: dateOf(sample, now) }))
    .sort((a, b) => a.date.getTime() - b.date.getTime())
    .map(({ sample, date }) => ({ uidl: sample.uidl, bytes: render(sample, date) }));
}
