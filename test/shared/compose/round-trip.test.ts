// Round trips of whole messages: what people type in every script and shape
// comes back the same through shared/mail and through postal-mime.

import { describe, expect, it } from 'vitest';
import { buildMessage, type Draft } from '../../../shared/compose/message.ts';
import { dotStuff, findBareLineEnding } from '../../../shared/smtp/data.ts';
import { decodeWithPostal, decodeWithShared, typedAsDecoded } from './decode.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const options = { date: new Date(Date.UTC(2026, 11, 8, 2, 10, 59)), timeZoneOffset: 60 };
const base: Draft = {
  from: { name: 'Ann Example', address: 'ann@example.org' },
  to: [{ name: '', address: 'bob@example.net' }],
  subject: 'Lunch',
  text: 'See you at noon.\n',
};

function lines(bytes: Uint8Array): string[] {
  return decoder.decode(bytes).split('\r\n');
}

const CASES: Array<[string, Partial<Draft>]> = [
  [
    'Chinese subject, name and text',
    {
      subject: '周末爬山计划',
      from: { name: '张三', address: 'zs@example.cn' },
      text: '我们周六早上八点在山脚下见面。\n',
    },
  ],
  [
    'emoji everywhere',
    {
      subject: 'Party 🎉🎂 tonight 👨‍👩‍👧‍👦',
      from: { name: 'Ann 😀', address: 'ann@example.org' },
      text: 'Bring 🍕 and 🥤!\n',
    },
  ],
  [
    'combining characters',
    {
      subject: 'Cafe\u0301 e\u0301te\u0301 n\u0303',
      text: 'A\u030a\u0301 and Z\u0336\u0335\u0334\u0333\u0332\u0331\u0330 marks\n',
    },
  ],
  ['a very long word', { subject: 'x'.repeat(200), text: `${'y'.repeat(1500)}\n` }],
  [
    'very long lines',
    {
      subject: 'word '.repeat(40).trim(),
      text: `${'lorem ipsum '.repeat(120)}end\n${'中文字符'.repeat(100)}\n`,
    },
  ],
  ['From and dots at line starts', { text: 'From the start\n.\n..two\n. dot space\nFrom\n' }],
  ['trailing spaces', { text: 'kept  \n  indented\ttab\t\n \n' }],
  ['a long line with trailing spaces', { text: `${'long '.repeat(30)}  \nnext\n` }],
  [
    'a signature separator in a wrapped text',
    { text: `${'wrap me '.repeat(20).trim()}\n-- \nAnn\n` },
  ],
  [
    'quoted lines and spaces at a line start',
    { text: `> ${'quoted '.repeat(20).trim()}\n>> deeper\n   ${'spaced '.repeat(20).trim()}\n` },
  ],
  ['CR and CRLF line endings', { text: 'one\rtwo\r\nthree' }],
  [
    'a name with quotes and a backslash',
    { from: { name: 'A "B" \\ C', address: 'abc@example.org' } },
  ],
  [
    'a name that looks like an encoded-word',
    {
      from: { name: '=?UTF-8?Q?x?=', address: 'q@example.org' },
      subject: '=?UTF-8?Q?not_encoded?=',
    },
  ],
  [
    'names of atoms and a dot',
    {
      to: [
        { name: 'Dr. Who', address: 'who@example.org' },
        { name: 'plain name', address: 'pn@example.org' },
      ],
    },
  ],
];

describe.each([false, true])('round trips with 8BITMIME %s', (eightBit) => {
  const attachments = [
    {
      filename: '报告 2026.pdf',
      contentType: 'application/pdf',
      content: Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff),
    },
    {
      filename: 'ça va 😀 ' + 'long name '.repeat(8) + '.txt',
      contentType: 'text/plain',
      content: encoder.encode('plain\r\n'),
    },
    { filename: 'empty', contentType: 'application/octet-stream', content: new Uint8Array() },
  ];
  it.each(CASES)(
    '%s: shared/mail and postal-mime read back what was written',
    async (_name, change) => {
      for (const withAttachments of [false, true]) {
        const draft: Draft = { ...base, ...change, ...(withAttachments ? { attachments } : {}) };
        const built = buildMessage(draft, { ...options, eightBit });
        expect(findBareLineEnding(built.bytes)).toBeUndefined();
        expect(() => dotStuff(built.bytes)).not.toThrow();
        for (const line of lines(built.bytes))
          expect(encoder.encode(line).length).toBeLessThanOrEqual(998);
        const expectedText = typedAsDecoded(draft.text);
        const expectedNames = draft.to.map((m) => ({ name: m.name, address: m.address }));
        for (const [reader, decoded] of [
          ['shared', decodeWithShared(built.bytes)],
          ['postal', await decodeWithPostal(built.bytes)],
        ] as const) {
          expect(decoded.subject, reader).toBe(draft.subject.trim());
          expect(decoded.from, reader).toEqual(draft.from);
          expect(decoded.to, reader).toEqual(expectedNames);
          // postal-mime keeps the line break that belongs to the closing delimiter.
          const extra = reader === 'postal' && withAttachments ? '\n' : '';
          expect(decoded.text, reader).toBe(expectedText + extra);
          if (!withAttachments) continue;
          expect(
            decoded.attachments.map((a) => a.filename),
            reader,
          ).toEqual(attachments.map((a) => a.filename));
          expect(
            decoded.attachments.map((a) => a.content),
            reader,
          ).toEqual(attachments.map((a) => a.content));
        }
      }
    },
  );
});
