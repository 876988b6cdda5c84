// The "Example Weekly" newsletter of the sample mailbox: HTML with remote
// images (a header and a tracking pixel) so "Show remote content" has work to do.

import { multipart, textPart } from './mime.ts';
import type { SampleMessage } from './sample-mailbox.ts';
import { PEOPLE } from './sample-people.ts';

interface Story {
  title: string;
  summary: string;
  slug: string;
}

const ISSUES: Record<number, { headline: string; stories: Story[] }> = {
  41: {
    headline: 'Why POP3 is still around',
    stories: [
      {
        title: 'Why POP3 is still around',
        summary:
          'Thirty years on, millions of mailboxes are still read over POP3. We look at why a protocol this small keeps winning.',
        slug: 'why-pop3',
      },
      {
        title: 'A gentle introduction to MIME',
        summary:
          'Multipart, boundaries and encoded words: the parts of a message your mail client hides from you.',
        slug: 'mime-intro',
      },
      {
        title: 'Tool of the week: a terminal mailbox',
        summary: 'List, read and delete mail from the command line in three keystrokes.',
        slug: 'terminal-mailbox',
      },
    ],
  },
  42: {
    headline: 'Dot-stuffing, explained',
    stories: [
      {
        title: 'Dot-stuffing, explained',
        summary:
          'A single "." on a line ends a POP3 reply. How servers and clients agree on the rest, and the bugs when they do not.',
        slug: 'dot-stuffing',
      },
      {
        title: 'Character sets: GBK, Big5 and friends',
        summary:
          'Not all mail is UTF-8. Why your webmail must keep bytes as bytes until the very end.',
        slug: 'charsets',
      },
      {
        title: 'Reader question: why block remote images?',
        summary:
          'Tracking pixels tell a sender when and where you opened a message. Here is how to say no.',
        slug: 'remote-images',
      },
    ],
  },
  43: {
    headline: 'STARTTLS or implicit TLS?',
    stories: [
      {
        title: 'STARTTLS or implicit TLS?',
        summary:
          'Port 995 or STLS on 110: what RFC 8314 recommends, and the command injection bug STARTTLS invites.',
        slug: 'starttls',
      },
      {
        title: 'Designing for slow connections',
        summary: 'Pipelining turns a thousand round trips into one. A field guide with numbers.',
        slug: 'slow-connections',
      },
      {
        title: 'Meet us in Lisbon',
        summary:
          'Our first meetup outside the internet: talks, pastéis de nata, and a view over the river.',
        slug: 'lisbon-meetup',
      },
    ],
  },
};

const SITE = 'https://news.example.net';
const CDN = 'https://cdn.example.net/weekly';

function html(issue: number, stories: readonly Story[]): string {
  const items = stories
    .map(
      (story) => `<tr><td style="padding:18px 32px;border-top:1px solid #f1e7dc">
<h2 style="margin:0 0 6px;font-size:19px;color:#7c2d12">${story.title}</h2>
<p style="margin:0 0 8px;color:#44403c">${story.summary}</p>
<a href="${SITE}/${issue}/${story.slug}" style="color:#c2410c;font-weight:600;text-decoration:none">Read more &rarr;</a>
</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html><body style="margin:0;background:#fdf6ee;font-family:Georgia,serif;color:#1c1917;line-height:1.5">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="background:#ffffff;border-radius:10px;overflow:hidden">
<tr><td><img src="${CDN}/${issue}/header.png" width="600" height="180" alt="Example Weekly, issue ${issue}" style="display:block;width:100%;height:auto"></td></tr>
<tr><td style="padding:24px 32px 8px"><p style="margin:0;font-size:13px;letter-spacing:.08em;text-transform:uppercase;color:#a8a29e">Example Weekly &middot; Issue ${issue}</p></td></tr>
${items}
<tr><td style="padding:20px 32px;background:#fafaf9;font-size:12px;color:#78716c">You receive this because you subscribed at news.example.net.
<a href="${SITE}/unsubscribe?issue=${issue}" style="color:#78716c">Unsubscribe</a></td></tr>
</table></td></tr></table>
<img src="${SITE}/open/${issue}.gif" width="1" height="1" alt="">
</body></html>
`;
}

function text(issue: number, stories: readonly Story[]): string {
  const items = stories
    .map((story) => `${story.title}\n${story.summary}\n${SITE}/${issue}/${story.slug}\n`)
    .join('\n');
  return `EXAMPLE WEEKLY - ISSUE ${issue}\n\n${items}\nUnsubscribe: ${SITE}/unsubscribe?issue=${issue}\n`;
}

/** Issue 41, 42 or 43 of the newsletter as a sample message. */
export function newsletter(issue: number, when: { daysAgo: number; time: string }): SampleMessage {
  const content = ISSUES[issue];
  if (!content) throw new Error(`no newsletter issue ${issue}`);
  return {
    uidl: `weekly-${issue}`,
    when,
    offset: 0,
    from: PEOPLE.weekly,
    subject: `Example Weekly #${issue}: ${content.headline}`,
    messageId: `<weekly-${issue}@news.example.net>`,
    headers: [
      ['List-Id', 'Example Weekly <weekly.news.example.net>'],
      ['List-Unsubscribe', `<${SITE}/unsubscribe?issue=${issue}>`],
      ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'],
    ],
    entity: multipart('alternative', `=_weekly_${issue}_alt`, [
      textPart(text(issue, content.stories)),
      textPart(html(issue, content.stories), { subtype: 'html' }),
    ]),
  };
}
