// Machine-written mail of the sample mailbox: newsletters with remote images,
// a shipping notice, a PDF invoice, notifications, and the welcome message.

import { binaryPart, encodeWords, multipart, textPart, type MimeEntity } from './mime.ts';
import { invoicePdf } from './sample-assets.ts';
import type { SampleMessage } from './sample-mailbox.ts';
import { PEOPLE } from './sample-people.ts';
import { newsletter } from './sample-newsletter.ts';

const CET = 60;
const UTC = 0;

function alternative(boundary: string, text: string, html: string): MimeEntity {
  return multipart('alternative', boundary, [textPart(text), textPart(html, { subtype: 'html' })]);
}

const SHIPPED_TEXT = `Good news: your order A-30417 is on its way!

  Ceramic pour-over coffee dripper   1 x EUR 24.00
  Notebook, dotted, A5               2 x EUR 12.50
  Shipping                               EUR  0.00
  Total                                  EUR 49.00

Track your parcel: https://track.example.com/A30417

Thank you for shopping with Example Shop.
`;

const SHIPPED_HTML = `<!doctype html>
<html><body style="margin:0;background:#f3f4f6;font-family:system-ui,sans-serif;color:#111827">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="background:#ffffff;border-radius:12px;overflow:hidden">
<tr><td style="background:#047857;color:#ffffff;padding:20px 28px;font-size:20px;font-weight:600">Example Shop</td></tr>
<tr><td style="padding:28px">
<h1 style="margin:0 0 8px;font-size:22px">Your order is on its way &#128666;</h1>
<p style="margin:0 0 20px;color:#4b5563">Order A-30417 left our warehouse this evening.</p>
<table role="presentation" width="100%" cellpadding="8" cellspacing="0" style="border-collapse:collapse;font-size:15px">
<tr style="border-bottom:1px solid #e5e7eb"><td>Ceramic pour-over coffee dripper</td><td align="right">1 &times; &euro;24.00</td></tr>
<tr style="border-bottom:1px solid #e5e7eb"><td>Notebook, dotted, A5</td><td align="right">2 &times; &euro;12.50</td></tr>
<tr style="border-bottom:1px solid #e5e7eb"><td>Shipping</td><td align="right">&euro;0.00</td></tr>
<tr><td><strong>Total</strong></td><td align="right"><strong>&euro;49.00</strong></td></tr>
</table>
<p style="margin:28px 0 0;text-align:center"><a href="https://track.example.com/A30417"
 style="background:#047857;color:#ffffff;padding:12px 22px;border-radius:8px;text-decoration:none;font-weight:600">Track your parcel</a></p>
</td></tr>
<tr><td style="padding:16px 28px;font-size:12px;color:#6b7280;background:#f9fafb">Example Shop &middot; 1 Market Street &middot; shop.example.com</td></tr>
</table></td></tr></table>
</body></html>
`;

const INVOICE_TEXT = `Hello Demo User,

Your invoice EX-10482 for last month is attached as a PDF.

  Amount due:  EUR 14.70
  Payment:     card ending in 4242, charged automatically

Questions? Just reply to this message.

Example Cloud Billing
`;

const PULL_REQUEST = `@bob-okafor commented on this pull request.

In server/demo/wire.ts:

> +    if (slice[at] === DOT) {
> +      pieces.push(slice.subarray(from, at), STUFFING_DOT);

Nice, no copy unless a line really starts with a dot. Could we add a test
where the dot sits right at a chunk boundary?

--
Reply to this email directly or view it on Example Git:
https://git.example.org/example/webmail/pull/128#discussion_r1042
You are receiving this because you were mentioned.
`;

const RELEASE = `example/webmail v0.2.0 is out.

Highlights
  * Listings of 10 000 messages in a single round trip (pipelining)
  * GBK and Big5 mail displays correctly
  * Pending deletions survive a dropped connection

Fixes
  * RETR no longer stops at a line holding a single dot (#128)
  * STLS refuses commands pipelined before the TLS handshake (#131)

Full changelog: https://git.example.org/example/webmail/releases/tag/v0.2.0
`;

const SIGN_IN = `Hi Demo User,

Your Example Cloud account was just used to sign in from a new device.

  Device:    Firefox on Linux
  Location:  Lisbon, Portugal (approximate)

If this was you, there is nothing to do. If not, change your password at
https://cloud.example.com/security right away.

The Example Cloud team
`;

const LIBRARY = `Dear reader,

Two of your loans are due this Friday:

  "The Pragmatic Programmer"        Hunt, Thomas
  "Designing Data-Intensive Apps"   Kleppmann

You can renew them once online at https://library.example.org/account,
unless someone else has reserved them.

City Library
`;

const WELCOME_TEXT = `Welcome to the webmail demo!

This mailbox lives in the memory of the embedded demo POP3 server that
started with the webmail, on loopback only. Sign in as demo / demo.

Things to try:

* Open "Example Weekly" and press "Show remote content": images from other
  servers stay blocked until you ask.
* "New app icon" shows an image embedded in the message itself.
* The GBK and UTF-8 Chinese messages test character sets.
* "Planning the team offsite" is a thread of ten messages.
* Delete a message and sign out: POP3 deletes at QUIT. Restart the server
  and everything is back.

To read real mail, configure an upstream POP3 server (see the README).
`;

const WELCOME_HTML = `<!doctype html>
<html><body style="margin:0;background:#eff6ff;font-family:system-ui,sans-serif;color:#1e293b;line-height:1.55">
<div style="max-width:560px;margin:24px auto;background:#ffffff;border-radius:14px;padding:32px">
<h1 style="margin:0 0 12px;font-size:24px;color:#1d4ed8">Welcome to the webmail demo &#128075;</h1>
<p>This mailbox lives in the memory of the <strong>embedded demo POP3 server</strong> that started
with the webmail, on loopback only. Sign in as <code>demo</code> / <code>demo</code>.</p>
<h2 style="font-size:17px;margin:24px 0 8px">Things to try</h2>
<ul style="padding-left:20px">
<li>Open <em>Example Weekly</em> and press <strong>Show remote content</strong>: images from other servers stay blocked until you ask.</li>
<li><em>New app icon</em> shows an image embedded in the message itself.</li>
<li>The GBK and UTF-8 Chinese messages test character sets.</li>
<li><em>Planning the team offsite</em> is a thread of ten messages.</li>
<li>Delete a message and sign out: POP3 deletes at QUIT. Restart the server and everything is back.</li>
</ul>
<p style="margin-top:24px;padding:12px 16px;background:#f1f5f9;border-radius:8px">To read real mail, configure an
upstream POP3 server (see the README).</p>
</div>
</body></html>
`;

/** Notices, newsletters and the welcome message. */
export const SAMPLE_NOTICES: SampleMessage[] = [
  {
    uidl: 'notice-invoice',
    when: { daysAgo: 21, time: '08:30' },
    offset: UTC,
    from: PEOPLE.billing,
    subject: 'Your Example Cloud invoice EX-10482',
    messageId: '<invoice-EX-10482@cloud.example.com>',
    entity: multipart('mixed', '=_invoice_e1', [
      textPart(INVOICE_TEXT, { encoding: '7bit' }),
      binaryPart(
        invoicePdf('EX-10482', 'on the 1st of the month', [
          { description: 'Virtual server, 2 vCPU, 4 GB', amount: 9.9 },
          { description: 'Block storage, 40 GB', amount: 3.2 },
          { description: 'Backups', amount: 1.6 },
        ]),
        [
          ['Content-Type', 'application/pdf; name="invoice-EX-10482.pdf"'],
          ['Content-Disposition', 'attachment; filename="invoice-EX-10482.pdf"'],
        ],
      ),
    ]),
  },
  newsletter(41, { daysAgo: 19, time: '09:03' }),
  {
    uidl: 'notice-pull-request',
    when: { daysAgo: 17, time: '10:15' },
    offset: UTC,
    from: PEOPLE.git,
    subject: '[example/webmail] Stuff dots at chunk boundaries in RETR (PR #128)',
    messageId: '<example/webmail/pull/128/review/1042@git.example.org>',
    headers: [['List-Id', 'example/webmail <webmail.example.git.example.org>']],
    entity: textPart(PULL_REQUEST, { encoding: '7bit' }),
  },
  {
    uidl: 'notice-shipped',
    when: { daysAgo: 15, time: '19:05' },
    offset: CET,
    from: PEOPLE.shop,
    subject: 'Your order A-30417 has shipped',
    messageId: '<shipped-A30417@shop.example.com>',
    entity: alternative('=_shipped_alt_52', SHIPPED_TEXT, SHIPPED_HTML),
  },
  newsletter(42, { daysAgo: 12, time: '09:03' }),
  {
    uidl: 'notice-library',
    when: { daysAgo: 9, time: '08:00' },
    offset: UTC,
    from: PEOPLE.library,
    subject: 'Reminder: 2 books due on Friday',
    messageId: '<due-reminder-88213@library.example.org>',
    entity: textPart(LIBRARY, { encoding: '7bit' }),
  },
  {
    uidl: 'notice-sign-in',
    when: { daysAgo: 6, time: '09:45' },
    offset: UTC,
    from: PEOPLE.security,
    subject: 'New sign-in to your Example Cloud account',
    messageId: '<sign-in-7731@cloud.example.com>',
    entity: textPart(SIGN_IN, { encoding: '7bit' }),
  },
  newsletter(43, { daysAgo: 5, time: '09:03' }),
  {
    uidl: 'notice-release',
    when: { daysAgo: 3, time: '11:11' },
    offset: UTC,
    from: PEOPLE.git,
    subject: '[example/webmail] Release v0.2.0',
    messageId: '<example/webmail/releases/v0.2.0@git.example.org>',
    headers: [['List-Id', 'example/webmail <webmail.example.git.example.org>']],
    entity: textPart(RELEASE, { encoding: '7bit' }),
  },
  {
    uidl: 'notice-welcome',
    when: { minutesAgo: 1 },
    offset: UTC,
    from: PEOPLE.welcome,
    subject: encodeWords('Welcome to your demo mailbox 👋'),
    messageId: '<welcome@example.org>',
    entity: alternative('=_welcome_alt_01', WELCOME_TEXT, WELCOME_HTML),
  },
];
