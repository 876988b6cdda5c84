// Personal mail of the sample mailbox: Chinese in UTF-8 and in GBK, a message
// full of lines starting with ".", quoted-printable, attachments, an inline image.

import { Buffer } from 'node:buffer';
import { binaryPart, encodeWords, multipart, textPart, type MimeEntity } from './mime.ts';
import { GBK_BODY, GBK_SENDER_BASE64, GBK_SUBJECT_BASE64, ICON_PNG } from './sample-assets.ts';
import type { SampleMessage } from './sample-mailbox.ts';
import { PEOPLE } from './sample-people.ts';

const CET = 60;
const CHINA = 480;

// Lines that begin with "." must be dot-stuffed on the wire (RFC 1939 §3);
// the lone "." would otherwise end the reply early.
const DOTFILES = `Hi,

As promised, the dotfiles I copy to every new machine:

.bashrc        aliases, prompt, PATH
.gitconfig     name, email, pull.rebase = true
.editorconfig  two spaces, LF, final newline
.ssh/config    host aliases, ControlMaster auto

Fun fact from the POP3 RFC: a line holding a single dot ends a reply, so
the server has to send the next line as ".." on the wire:
.
and this one goes out as "...":
..
...and that's all. Sentences may start with an ellipsis too.

Dave
`;

const HIKING = `大家好！

这个周六天气不错，我们计划去香山爬山。

集合时间：早上八点
集合地点：地铁西苑站 C 口
路线：从东门上山，经香炉峰，再从北门下山，全程大约三个小时。

请带好水、午饭和防晒用品。如果下雨，就改到周日。

想参加的朋友请在周四之前回复我。

李明
`;

const STATUS_UPDATE = `Hi Demo,

本周项目进度如下 (this week's status, English below):

1. 邮件列表页面已经完成，支持按日期排序。
2. 附件下载功能正在测试中，预计下周二上线。
3. 发现一个中文主题显示乱码的问题，已经修复。

In short: the message list is done, attachment downloads ship next
Tuesday, and the garbled Chinese subjects are fixed.

谢谢！
陈静
`;

const RECIPE = `Ciao!

Here is the cornetti recipe you asked for after the café on Saturday.
Makes twelve.

- 500 g farina 00
- 250 g burro freddo, for the layers
- 80 g zucchero, 10 g sale, 1 uovo
- 12 g lievito di birra, 250 ml latte tiepido
- the zest of one lemon - the secret ingredient!

Fold the butter in three times, rest the dough in the fridge for thirty
minutes between folds, and bake at 190 °C for about eighteen minutes. Brush
with sugar syrup while they are still warm.

Buon appetito ☕🥐

Elena
`;

const ONE_ON_ONE = `Hi,

Notes from our 1:1 today, as promised:

* The offsite agenda is final; thank you for taking the demo hour.
* Next quarter: you own the attachment viewer.
* Training budget: yes to the accessibility course.
* Next 1:1 in two weeks, same time.

Have a good weekend!
Alice
`;

const SIGNUPS_CSV = `week,signups,active_users,churned
1,412,3810,22
2,388,4107,31
3,455,4460,18
4,501,4843,27
5,476,5196,24
6,530,5611,19
`;

const ICON_TEXT = `Hi,

Here is the new app icon from the design team: a white envelope on our
blue, with an orange dot for unread mail. I think it reads well at small
sizes. What do you think?

Carol
`;

const ICON_HTML = `<!doctype html>
<html><body style="font-family: system-ui, sans-serif; color: #1f2937; line-height: 1.5">
<p>Hi,</p>
<p>Here is the new app icon from the design team: a white envelope on our blue,
with an orange dot for unread mail.</p>
<p style="text-align: center"><img src="cid:icon-96.png@design.example.com" width="96" height="96"
 alt="The new app icon: a white envelope on a blue rounded square"></p>
<p>I think it reads well at small sizes. What do you think?</p>
<p>Carol</p>
</body></html>
`;

function withAttachment(
  text: MimeEntity,
  boundary: string,
  name: string,
  type: string,
  bytes: Uint8Array,
): MimeEntity {
  const file = binaryPart(bytes, [
    ['Content-Type', `${type}; name="${name}"`],
    ['Content-Disposition', `attachment; filename="${name}"`],
  ]);
  return multipart('mixed', boundary, [text, file]);
}

/** Letters from people, in no particular order (the mailbox sorts by date). */
export const SAMPLE_LETTERS: SampleMessage[] = [
  {
    uidl: 'letter-dotfiles',
    when: { daysAgo: 12, time: '17:45' },
    offset: CET,
    from: PEOPLE.dave,
    subject: 'Dotfiles cheat sheet',
    messageId: '<dotfiles.81c2@example.org>',
    entity: textPart(DOTFILES, { encoding: '7bit' }),
  },
  {
    uidl: 'letter-hiking',
    when: { daysAgo: 18, time: '08:55' },
    offset: CHINA,
    from: PEOPLE.liMing,
    subject: encodeWords('周末爬山计划'),
    messageId: '<hiking.2b90@example.com>',
    entity: textPart(HIKING, { encoding: 'base64' }),
  },
  {
    uidl: 'letter-gbk-minutes',
    when: { daysAgo: 14, time: '11:25' },
    offset: CHINA,
    from: `=?GBK?B?${GBK_SENDER_BASE64}?= <wang.fang@example.com>`,
    subject: `=?GBK?B?${GBK_SUBJECT_BASE64}?=`,
    messageId: '<minutes.q3.6e0d@example.com>',
    // 8-bit GBK on the wire: the bytes must reach the browser untouched.
    entity: {
      headers: [
        ['Content-Type', 'text/plain; charset=GBK'],
        ['Content-Transfer-Encoding', '8bit'],
      ],
      body: GBK_BODY,
    },
  },
  {
    uidl: 'letter-status',
    when: { daysAgo: 8, time: '10:30' },
    offset: CHINA,
    from: PEOPLE.chenJing,
    subject: encodeWords('项目进度更新 – 第 12 周'),
    messageId: '<status-w12.c4a1@example.net>',
    entity: textPart(STATUS_UPDATE, { encoding: '8bit' }),
  },
  {
    uidl: 'letter-recipe',
    when: { daysAgo: 4, time: '18:30' },
    offset: CET,
    from: PEOPLE.elena,
    subject: encodeWords('Cornetti ☕ – the recipe you asked for'),
    messageId: '<cornetti.0f77@example.net>',
    entity: textPart(RECIPE, { encoding: 'quoted-printable' }),
  },
  {
    uidl: 'letter-lunch',
    when: { daysAgo: 2, time: '08:40' },
    offset: CET,
    from: PEOPLE.dave,
    subject: encodeWords('Lunch on Friday? 🍜'),
    messageId: '<lunch.93be@example.org>',
    entity: textPart(
      'Ramen place around the corner, Friday 12:30? They finally have a vegetarian broth.\n\nDave\n',
    ),
  },
  {
    uidl: 'letter-one-on-one',
    when: { daysAgo: 1, time: '10:00' },
    offset: CET,
    from: PEOPLE.alice,
    subject: 'Notes from our 1:1',
    messageId: '<one-on-one.4d18@example.com>',
    entity: textPart(ONE_ON_ONE, { encoding: '7bit' }),
  },
  {
    uidl: 'letter-signups-csv',
    when: { daysAgo: 2, time: '16:05' },
    offset: CET,
    from: PEOPLE.carol,
    subject: 'Sign-up numbers for the last six weeks',
    messageId: '<signups.a5f3@example.com>',
    entity: withAttachment(
      textPart(
        'Hi,\n\nThe numbers you asked for are attached. Week 6 is our best yet!\n\nCarol\n',
        {
          encoding: '7bit',
        },
      ),
      '=_signups_9d',
      'signups.csv',
      'text/csv; charset=us-ascii',
      Buffer.from(SIGNUPS_CSV.replace(/\n/g, '\r\n')),
    ),
  },
  {
    uidl: 'letter-app-icon',
    when: { daysAgo: 10, time: '10:20' },
    offset: CET,
    from: PEOPLE.carol,
    subject: 'New app icon - what do you think?',
    messageId: '<app-icon.7d1e@example.com>',
    entity: multipart('alternative', '=_icon_alt_3c', [
      textPart(ICON_TEXT, { encoding: '7bit' }),
      multipart(
        'related',
        '=_icon_rel_3c',
        [
          textPart(ICON_HTML, { subtype: 'html', encoding: 'quoted-printable' }),
          binaryPart(ICON_PNG, [
            ['Content-Type', 'image/png; name="app-icon.png"'],
            ['Content-Disposition', 'inline; filename="app-icon.png"'],
            ['Content-ID', '<icon-96.png@design.example.com>'],
          ]),
        ],
        '; type="text/html"',
      ),
    ]),
  },
];
