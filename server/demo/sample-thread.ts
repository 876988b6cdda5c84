// The long thread of the sample mailbox: ten messages planning a team
// offsite, chained by In-Reply-To and References (RFC 5322 §3.6.4).

import { Buffer } from 'node:buffer';
import { binaryPart, multipart, textPart, type Header, type MimeEntity } from './mime.ts';
import type { SampleMessage } from './sample-mailbox.ts';
import { PEOPLE } from './sample-people.ts';

interface ThreadPost {
  from: string;
  when: { daysAgo: number; time: string };
  offset: number;
  /** Index of the message this one answers; undefined for the first. */
  parent?: number;
  body: string;
  attachment?: { name: string; text: string };
}

const SUBJECT = 'Planning the team offsite';
const TEAM = [PEOPLE.demo, PEOPLE.bob, PEOPLE.carol, PEOPLE.dave, PEOPLE.elena].join(', ');
const CET = 60;
const NEW_YORK = -300;

const AGENDA = `Team offsite - Lisbon
=====================

Day 1
  09:30  Coffee and pastel de nata
  10:00  Where we are: a year of the webmail in review (Alice)
  11:30  Demo hour: everyone shows one thing they built
  13:00  Lunch in Alfama
  14:30  Workshop: what our users tell us (Carol, Dave)
  17:00  Walk up to the Miradouro da Senhora do Monte

Day 2
  09:30  Roadmap for next quarter (all)
  12:00  Lunch
  13:30  Free afternoon: Belem, LX Factory, or the beach at Cascais
  19:30  Team dinner

Venue: Casa do Largo, a meeting room for 12 with a terrace.
`;

const POSTS: ThreadPost[] = [
  {
    from: PEOPLE.alice,
    when: { daysAgo: 20, time: '10:05' },
    offset: CET,
    body: `Hi all,

It's time to plan our spring offsite! Two days, the second week of next
month, somewhere we can reach without a night train. The shortlist:

  1. Lisbon
  2. Krakow
  3. Edinburgh

Reply with your pick (and any dates you can't do) by Friday.

Alice`,
  },
  {
    from: PEOPLE.bob,
    when: { daysAgo: 20, time: '07:42' },
    offset: NEW_YORK,
    parent: 0,
    body: `Lisbon gets my vote: sun, good coffee, and direct flights from here.

Bob

Alice Martin wrote:
> It's time to plan our spring offsite! Two days, the second week of next
> month, somewhere we can reach without a night train.`,
  },
  {
    from: PEOPLE.carol,
    when: { daysAgo: 20, time: '14:10' },
    offset: CET,
    parent: 1,
    body: `Krakow! The old town is lovely in spring and it is by far the cheapest
of the three. But I could live with Lisbon.

Carol

Bob Okafor wrote:
> Lisbon gets my vote: sun, good coffee, and direct flights from here.`,
  },
  {
    from: PEOPLE.dave,
    when: { daysAgo: 19, time: '16:20' },
    offset: CET,
    parent: 0,
    body: `Edinburgh for me, but honestly any of them is fine.

One constraint: I'm at a conference on the 14th and 15th, so please avoid
those two days.

Dave

Alice Martin wrote:
> Reply with your pick (and any dates you can't do) by Friday.`,
  },
  {
    from: PEOPLE.alice,
    when: { daysAgo: 18, time: '13:30' },
    offset: CET,
    parent: 3,
    body: `Tally so far:

  Lisbon     2 (Bob, Elena told me in the hallway)
  Krakow     1 (Carol)
  Edinburgh  1 (Dave)

Noted on the 14th/15th, Dave. Still waiting for a few of you!

Alice

Dave Fischer wrote:
> One constraint: I'm at a conference on the 14th and 15th, so please avoid
> those two days.`,
  },
  {
    from: PEOPLE.elena,
    when: { daysAgo: 16, time: '09:40' },
    offset: CET,
    parent: 4,
    body: `Confirming Lisbon in writing :)

I know a small place in Alfama, Casa do Largo, with a meeting room for
twelve and a terrace with a view over the river. I can ask them for
prices.

Elena

Alice Martin wrote:
> Tally so far:
>
>   Lisbon     2 (Bob, Elena told me in the hallway)`,
  },
  {
    from: PEOPLE.bob,
    when: { daysAgo: 15, time: '21:10' },
    offset: NEW_YORK,
    parent: 5,
    body: `That venue looks great. I checked flights: there is a direct one that
lands at 07:40, so I could make a 09:30 start on day one.

Bob

Elena Rossi wrote:
> I know a small place in Alfama, Casa do Largo, with a meeting room for
> twelve and a terrace with a view over the river.`,
  },
  {
    from: PEOPLE.carol,
    when: { daysAgo: 13, time: '09:00' },
    offset: CET,
    parent: 6,
    body: `Fine, I know when I'm outvoted. Lisbon it is! Elena, happy to help with
the venue call if you want company.

Carol

Bob Okafor wrote:
> I checked flights: there is a direct one that lands at 07:40`,
  },
  {
    from: PEOPLE.alice,
    when: { daysAgo: 11, time: '14:30' },
    offset: CET,
    parent: 7,
    body: `Decision: Lisbon, the 9th and 10th. Casa do Largo is booked - thank you
Elena and Carol!

The draft agenda is attached. Shout if you want a slot in the demo hour.

Alice`,
    attachment: { name: 'offsite-agenda.txt', text: AGENDA },
  },
  {
    from: PEOPLE.bob,
    when: { daysAgo: 7, time: '15:15' },
    offset: NEW_YORK,
    parent: 8,
    body: `Thanks everyone, flights booked! I'll bring the demo of the new
mailbox view. See you in Lisbon.

Bob

Alice Martin wrote:
> Decision: Lisbon, the 9th and 10th.`,
  },
];

const idOf = (index: number): string => `<offsite-${index + 1}.5f3a9c@example.com>`;

function entityOf(post: ThreadPost): MimeEntity {
  const text = textPart(post.body, { encoding: '7bit' });
  if (!post.attachment) return text;
  const { name, text: content } = post.attachment;
  const file = binaryPart(Buffer.from(content.replace(/\n/g, '\r\n')), [
    ['Content-Type', `text/plain; charset=us-ascii; name="${name}"`],
    ['Content-Disposition', `attachment; filename="${name}"`],
  ]);
  return multipart('mixed', '=_offsite_agenda_b7', [text, file]);
}

function threadHeaders(index: number): Header[] {
  const chain: number[] = [];
  for (let at = POSTS[index]?.parent; at !== undefined; at = POSTS[at]?.parent) chain.unshift(at);
  const parent = chain[chain.length - 1];
  if (parent === undefined) return [];
  return [
    ['In-Reply-To', idOf(parent)],
    ['References', chain.map(idOf).join(' ')],
  ];
}

/** The thread, oldest first. */
export const SAMPLE_THREAD: SampleMessage[] = POSTS.map((post, index) => ({
  uidl: `offsite-${String(index + 1).padStart(2, '0')}`,
  when: post.when,
  offset: post.offset,
  from: post.from,
  to: TEAM,
  cc: post.from === PEOPLE.alice ? undefined : PEOPLE.alice,
  subject: index === 0 ? SUBJECT : `Re: ${SUBJECT}`,
  messageId: idOf(index),
  headers: threadHeaders(index),
  entity: entityOf(post),
}));
