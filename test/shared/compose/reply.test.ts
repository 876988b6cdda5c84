// Reply, reply all and forward: subjects, threading, recipients, quoting,
// and the forwarded message carried byte for byte.

import { describe, expect, it } from 'vitest';
import {
  deriveForward,
  deriveForwardAsAttachment,
  deriveReply,
  deriveReplyAll,
  emlFilename,
  forwardSubject,
  quoteText,
  replySubject,
  threadIds,
  type OriginalMessage,
} from '../../../shared/compose/reply.ts';
import { buildMessage } from '../../../shared/compose/message.ts';
import * as compose from '../../../shared/compose/index.ts';
import { readMessageHeaders } from '../../../shared/mail/index.ts';
import { decodeWithPostal } from './decode.ts';

const encoder = new TextEncoder();
const RAW = encoder.encode(
  'From: Bob <bob@example.net>\r\nSubject: Plans\r\n\r\nHi Ann,\r\nsee you.\r\n',
);

const original: OriginalMessage = {
  subject: 'Plans',
  from: { name: 'Bob', address: 'bob@example.net' },
  replyTo: [],
  to: [
    { name: 'Ann', address: 'ann@example.org' },
    { name: 'Cy', address: 'cy@example.net' },
  ],
  cc: [
    { name: 'Di', address: 'di@example.net' },
    { name: 'Ann at work', address: 'ANN@work.example' },
  ],
  messageId: '<m2@example.net>',
  references: ['<m0@example.net>', '<m1@example.net>'],
  date: 'Tue, 8 Dec 2026 10:00',
  text: 'Hi Ann,\nsee you.\n',
  raw: RAW,
};
const options = {
  attribution: 'On Tue, 8 Dec 2026 10:00, Bob wrote:',
  self: ['ann@example.org', 'ann@work.example'],
};

describe('replySubject and forwardSubject', () => {
  it.each([
    ['Plans', 'Re: Plans'],
    ['Re: Plans', 'Re: Plans'],
    ['RE: Plans', 'RE: Plans'],
    ['re:Plans', 're:Plans'],
    ['Aw: Pläne', 'Aw: Pläne'],
    ['AW: Pläne', 'AW: Pläne'],
    ['回复: 计划', '回复: 计划'],
    ['回复：计划', '回复：计划'],
    ['Re[2]: Plans', 'Re[2]: Plans'],
    ['Fwd: Plans', 'Re: Fwd: Plans'],
    ['Regarding plans', 'Re: Regarding plans'],
    ['', 'Re: '],
  ])('reply to %j: %j', (subject, reply) => {
    expect(replySubject(subject)).toBe(reply);
  });

  it.each([
    ['Plans', 'Fwd: Plans'],
    ['Fwd: Plans', 'Fwd: Plans'],
    ['FW: Plans', 'FW: Plans'],
    ['WG: Pläne', 'WG: Pläne'],
    ['转发: 计划', '转发: 计划'],
    ['Re: Plans', 'Fwd: Re: Plans'],
  ])('forward %j: %j', (subject, forward) => {
    expect(forwardSubject(subject)).toBe(forward);
  });
});

describe('quoteText', () => {
  it.each([
    ['one line', 'hi', '> hi'],
    ['a final line break is not a quoted empty line', 'hi\n', '> hi'],
    ['empty lines as a bare >', 'a\n\nb', '> a\n>\n> b'],
    ['quoted lines one level deeper', '> old\n>> older', '>> old\n>>> older'],
    ['CRLF and CR', 'a\r\nb\rc', '> a\n> b\n> c'],
  ])('%s', (_name, text, quoted) => {
    expect(quoteText(text)).toBe(quoted);
  });
});

describe('deriveReply', () => {
  it('answers From, quotes under the attribution, and threads', () => {
    expect(deriveReply(original, options)).toEqual({
      to: [{ name: 'Bob', address: 'bob@example.net' }],
      cc: [],
      subject: 'Re: Plans',
      text: '\n\nOn Tue, 8 Dec 2026 10:00, Bob wrote:\n> Hi Ann,\n> see you.\n',
      inReplyTo: '<m2@example.net>',
      references: ['<m0@example.net>', '<m1@example.net>', '<m2@example.net>'],
    });
  });

  it('answers Reply-To when there is one', () => {
    const replyTo = [{ name: 'List', address: 'list@example.net' }];
    expect(deriveReply({ ...original, replyTo }, options).to).toEqual(replyTo);
  });

  it('answers the recipients when the original is the person’s own', () => {
    const mine = { ...original, from: { name: 'Ann', address: 'Ann@Example.org' } };
    expect(deriveReply(mine, options).to).toEqual([{ name: 'Cy', address: 'cy@example.net' }]);
  });

  it('starts References from the parent alone when it had none, and has none without a Message-ID', () => {
    expect(deriveReply({ ...original, references: [] }, options).references).toEqual([
      '<m2@example.net>',
    ]);
    const orphan = deriveReply({ ...original, messageId: null }, options);
    expect(orphan.inReplyTo).toBeUndefined();
    expect(orphan.references).toBeUndefined();
  });

  it('does not repeat the parent id already in its References', () => {
    const refs = ['<m1@example.net>', '<m2@example.net>'];
    expect(deriveReply({ ...original, references: refs }, options).references).toEqual(refs);
  });
});

describe('deriveReplyAll', () => {
  it('adds To and Cc, without the person’s own addresses, any case', () => {
    const draft = deriveReplyAll(original, options);
    expect(draft.to).toEqual([
      { name: 'Bob', address: 'bob@example.net' },
      { name: 'Cy', address: 'cy@example.net' },
    ]);
    expect(draft.cc).toEqual([{ name: 'Di', address: 'di@example.net' }]);
    expect(draft.subject).toBe('Re: Plans');
    expect(draft.inReplyTo).toBe('<m2@example.net>');
  });

  it('lists an address once across Reply-To, To and Cc, case-insensitively', () => {
    const draft = deriveReplyAll(
      {
        ...original,
        replyTo: [{ name: 'Bob', address: 'BOB@example.net' }],
        to: [
          { name: 'Bob again', address: 'bob@EXAMPLE.net' },
          { name: 'Cy', address: 'cy@example.net' },
        ],
        cc: [
          { name: 'Cy', address: 'CY@example.net' },
          { name: 'Di', address: 'di@example.net' },
          { name: 'Di', address: 'di@example.net' },
        ],
      },
      options,
    );
    expect(draft.to.map((m) => m.address)).toEqual(['BOB@example.net', 'cy@example.net']);
    expect(draft.cc.map((m) => m.address)).toEqual(['di@example.net']);
  });

  it('moves Cc to To when only the person was in From and To', () => {
    const draft = deriveReplyAll(
      {
        ...original,
        from: { name: '', address: 'ann@example.org' },
        to: [{ name: '', address: 'ann@work.example' }],
      },
      options,
    );
    expect(draft.to.map((m) => m.address)).toEqual(['di@example.net']);
    expect(draft.cc).toEqual([]);
  });
});

describe('forward', () => {
  it('inline: the original headers as a block, then its text', () => {
    const draft = deriveForward(original);
    expect(draft).toEqual({
      to: [],
      cc: [],
      subject: 'Fwd: Plans',
      text:
        '\n\n---------- Forwarded message ---------\n' +
        'From: Bob <bob@example.net>\n' +
        'Date: Tue, 8 Dec 2026 10:00\n' +
        'Subject: Plans\n' +
        'To: Ann <ann@example.org>, Cy <cy@example.net>\n' +
        'Cc: Di <di@example.net>, Ann at work <ANN@work.example>\n' +
        '\nHi Ann,\nsee you.\n',
    });
  });

  it('inline with labels in Chinese, and no Cc line when there was none', () => {
    const labels = {
      heading: '---------- 转发的邮件 ----------',
      from: '发件人',
      date: '日期',
      subject: '主题',
      to: '收件人',
      cc: '抄送',
    };
    const text = deriveForward({ ...original, cc: [] }, labels).text;
    expect(text).toContain(
      '发件人: Bob <bob@example.net>\n日期: Tue, 8 Dec 2026 10:00\n主题: Plans\n收件人: ',
    );
    expect(text).not.toContain('抄送');
  });

  it('as an attachment: the original .eml byte for byte, read back by postal-mime', async () => {
    const draft = deriveForwardAsAttachment(original);
    expect(draft.subject).toBe('Fwd: Plans');
    expect(draft.attachments).toEqual([
      { filename: 'Plans.eml', contentType: 'message/rfc822', content: RAW },
    ]);
    const built = buildMessage({
      ...draft,
      from: { name: 'Ann', address: 'ann@example.org' },
      to: [{ name: '', address: 'x@example.com' }],
    });
    const decoded = await decodeWithPostal(built.bytes);
    expect(decoded.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['Plans.eml', 'message/rfc822'],
    ]);
    // postal-mime hands a 7bit part back line by line with LF endings, plus the delimiter's line break.
    const asRead = new TextDecoder().decode(RAW).replace(/\r\n/g, '\n') + '\n';
    expect(new TextDecoder().decode(decoded.attachments[0]?.content)).toBe(asRead);
  });

  it.each([
    ['Plans', 'Plans.eml'],
    ['a/b: c?', 'a_b_ c_.eml'],
    ['', 'message.eml'],
    ['周末计划', '周末计划.eml'],
    ['x'.repeat(100), `${'x'.repeat(60)}.eml`],
  ])('names the .eml after %j', (subject, filename) => {
    expect(emlFilename(subject)).toBe(filename);
  });
});

describe('threadIds', () => {
  it.each([
    [
      'Message-ID and folded References',
      'Message-ID: <m2@x>\r\nReferences: <m0@x>\r\n <m1@x>\r\n\r\nbody',
      '<m2@x>',
      ['<m0@x>', '<m1@x>'],
    ],
    [
      'In-Reply-To when there are no References',
      'In-Reply-To: <m1@x> (comment)\r\nMessage-Id: <m2@x>\r\n\r\n',
      '<m2@x>',
      ['<m1@x>'],
    ],
    [
      'References win over In-Reply-To',
      'In-Reply-To: <m9@x>\r\nReferences: <m0@x>\r\n\r\n',
      null,
      ['<m0@x>'],
    ],
    ['none in the body', 'Subject: x\r\n\r\nMessage-ID: <no@x>\r\n', null, []],
  ])('%s', (_name, raw, messageId, references) => {
    expect(threadIds(encoder.encode(raw))).toEqual({ messageId, references });
  });
});

describe('a reply to a built message, through the public surface', () => {
  it('threads on the original and quotes it, read back by postal-mime', async () => {
    const first = compose.buildMessage({
      from: { name: '张三', address: 'zs@example.cn' },
      to: [{ name: 'Ann', address: 'ann@example.org' }],
      cc: [{ name: 'Cy', address: 'cy@example.net' }],
      subject: '周末计划',
      text: '周六见？\nSee you Saturday?',
      references: ['<root@example.cn>'],
    });
    const headers = readMessageHeaders(first.bytes);
    const ids = compose.threadIds(first.bytes);
    expect(ids).toEqual({ messageId: first.messageId, references: ['<root@example.cn>'] });
    const read: OriginalMessage = {
      subject: headers.subject,
      from: headers.from,
      replyTo: headers.replyTo,
      to: headers.to,
      cc: headers.cc,
      ...ids,
      date: 'Sat',
      text: (await decodeWithPostal(first.bytes)).text,
      raw: first.bytes,
    };
    const derived = compose.deriveReplyAll(read, {
      attribution: '张三 写道：',
      self: ['ann@example.org'],
    });
    const reply = compose.buildMessage({
      ...derived,
      from: { name: 'Ann', address: 'ann@example.org' },
    });
    const text = new TextDecoder().decode(reply.bytes);
    expect(text).toContain(`\r\nIn-Reply-To: ${first.messageId}\r\n`);
    expect(text).toContain(`\r\nReferences: <root@example.cn> ${first.messageId}\r\n`);
    expect(reply.envelope.recipients).toEqual(['zs@example.cn', 'cy@example.net']);
    const decoded = await decodeWithPostal(reply.bytes);
    expect(decoded.subject).toBe('Re: 周末计划');
    expect(decoded.text).toBe('\n\n张三 写道：\n> 周六见？\n> See you Saturday?\n');
  });
});
