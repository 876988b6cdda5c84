// An HTML-only personal message with remote photos: no text/plain
// alternative, so the reader has to render (and sanitize) the HTML.

import { textPart } from './mime.ts';
import type { SampleMessage } from './sample-mailbox.ts';
import { PEOPLE } from './sample-people.ts';

const PHOTOS = 'https://photos.example.net/elena/casa-do-largo';

const HTML = `<!doctype html>
<html><body style="font-family:system-ui,sans-serif;color:#1f2937;line-height:1.5;max-width:640px">
<p>Hi!</p>
<p>Carol and I visited <strong>Casa do Largo</strong> this morning. The room is bright, the
terrace is even better than in the pictures, and the owner will make us pastéis de nata
for the coffee break.</p>
<p>
<img src="${PHOTOS}/terrace.jpg" width="300" height="200" alt="The terrace over the river" style="border-radius:8px;margin:4px">
<img src="${PHOTOS}/room.jpg" width="300" height="200" alt="The meeting room" style="border-radius:8px;margin:4px">
</p>
<p>More photos in the <a href="${PHOTOS}/">shared album</a>.</p>
<p>Beijinhos,<br>Elena</p>
</body></html>
`;

/** Photos from the venue visit, HTML only. */
export const SAMPLE_VISIT: SampleMessage = {
  uidl: 'letter-venue-photos',
  when: { daysAgo: 12, time: '12:15' },
  offset: 0,
  from: PEOPLE.elena,
  cc: PEOPLE.carol,
  subject: 'Photos from the venue visit',
  messageId: '<venue-photos.e21b@example.net>',
  entity: textPart(HTML, { subtype: 'html' }),
};
