// The sample mailbox: well-formed CRLF messages, newest last, and every kind
// of mail the demo promises (checked by parsing with postal-mime).

import { Buffer } from 'node:buffer';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { createSampleMailbox } from '../../../server/demo/index.ts';

const NOW = new Date('2025-03-14T15:09:26Z');
const mailbox = createSampleMailbox(NOW);
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
const header = (bytes: Uint8Array, name: string): string | undefined => {
  const head =
    text(bytes)
      .split('\r\n\r\n', 1)[0]
      ?.replace(/\r\n[ \t]/g, ' ') ?? '';
  return new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1];
};
const byUidl = (uidl: string): Uint8Array => {
  const found = mailbox.find((message) => message.uidl === uidl);
  if (!found) throw new Error(`no sample ${uidl}`);
  return found.bytes;
};

describe('sample mailbox', () => {
  it('holds about thirty messages with unique UIDLs', () => {
    expect(mailbox.length).toBeGreaterThanOrEqual(28);
    expect(mailbox.length).toBeLessThanOrEqual(32);
    expect(new Set(mailbox.map((message) => message.uidl)).size).toBe(mailbox.length);
    for (const { uidl } of mailbox) expect(uidl).toMatch(/^[\x21-\x7e]{1,70}$/);
  });

  it('uses CRLF only, lines of at most 998 octets, and ends each message with CRLF', () => {
    for (const { uidl, bytes } of mailbox) {
      const raw = text(bytes);
      expect(/\r(?!\n)|(?<!\r)\n/.test(raw), uidl).toBe(false);
      expect(raw.endsWith('\r\n'), uidl).toBe(true);
      expect(Math.max(...raw.split('\r\n').map((line) => line.length)), uidl).toBeLessThanOrEqual(
        998,
      );
    }
  });

  it.each([NOW, new Date('2025-07-01T00:30:00Z'), new Date('2025-12-31T23:59:00Z')])(
    'is sorted oldest first, over about three weeks before %s',
    (now) => {
      const dates = createSampleMailbox(now).map(({ bytes }) =>
        Date.parse(header(bytes, 'Date') ?? ''),
      );
      expect(dates.every((date, index) => index === 0 || date >= (dates[index - 1] ?? 0))).toBe(
        true,
      );
      expect(dates.at(-1)).toBeLessThanOrEqual(now.getTime());
      const span = (dates.at(-1) ?? 0) - (dates[0] ?? 0);
      expect(span / 86_400_000).toBeGreaterThan(14);
      expect(span / 86_400_000).toBeLessThan(28);
    },
  );

  it('has the same sizes whenever it is made', () => {
    const other = createSampleMailbox(new Date('2031-01-05T01:02:03Z'));
    expect(other.map(({ bytes }) => bytes.length)).toEqual(
      mailbox.map(({ bytes }) => bytes.length),
    );
  });

  it('uses example domains only', () => {
    for (const { bytes } of mailbox) {
      // Undo quoted-printable soft line breaks, which may cut a domain in two.
      for (const domain of text(bytes)
        .replace(/=\r\n/g, '')
        .match(/@[a-z0-9.-]+\.[a-z]+/gi) ?? []) {
        expect(domain).toMatch(/(?:^@|\.)example\.(?:org|com|net)$|@localhost$/);
      }
    }
  });

  it('parses every message', async () => {
    for (const { bytes } of mailbox) {
      const email = await PostalMime.parse(bytes);
      expect(email.subject).toBeTruthy();
      expect(email.from?.address).toMatch(/@/);
    }
  });

  it('has a message with lines starting with "." and a line holding one', () => {
    const lines = text(byUidl('letter-dotfiles')).split('\r\n');
    expect(lines).toContain('.');
    expect(lines.filter((line) => line.startsWith('.')).length).toBeGreaterThan(3);
  });

  it('has Chinese mail in UTF-8 with an encoded-word subject', async () => {
    const bytes = byUidl('letter-hiking');
    expect(header(bytes, 'Subject')).toMatch(/^=\?UTF-8\?B\?/);
    const email = await PostalMime.parse(bytes);
    expect(email.subject).toBe('周末爬山计划');
    expect(email.text).toContain('香山');
  });

  it('has Chinese mail in 8-bit GBK', async () => {
    const bytes = byUidl('letter-gbk-minutes');
    expect(header(bytes, 'Subject')).toMatch(/^=\?GBK\?B\?/);
    expect(header(bytes, 'Content-Type')).toBe('text/plain; charset=GBK');
    const body = Buffer.from(bytes).subarray(Buffer.from(bytes).indexOf('\r\n\r\n') + 4);
    expect(body.toString('utf8')).not.toContain('各位同事');
    const email = await PostalMime.parse(bytes);
    expect(email.subject).toBe('第三季度销售会议纪要');
    expect(email.from?.name).toBe('王芳');
    expect(email.text).toContain('各位同事');
  });

  it('has HTML mail with remote images, and one with an inline cid: PNG', async () => {
    const newsletter = await PostalMime.parse(byUidl('weekly-42'));
    expect(newsletter.html).toMatch(/<img src="https:\/\/cdn\.example\.net\//);
    expect(newsletter.text).toBeTruthy();
    const icon = await PostalMime.parse(byUidl('letter-app-icon'));
    const cid = /src="cid:([^"]+)"/.exec(icon.html ?? '')?.[1];
    const image = icon.attachments.find((attachment) => attachment.mimeType === 'image/png');
    expect(image?.contentId).toBe(`<${cid}>`);
    const png = Buffer.from(image?.content as ArrayBuffer);
    expect(png.subarray(0, 8).toString('latin1')).toBe('\x89PNG\r\n\x1a\n');
  });

  it('has a PDF attachment that is a PDF', async () => {
    const email = await PostalMime.parse(byUidl('notice-invoice'));
    const pdf = email.attachments.find((attachment) => attachment.mimeType === 'application/pdf');
    expect(pdf?.filename).toBe('invoice-EX-10482.pdf');
    const content = Buffer.from(pdf?.content as ArrayBuffer).toString('latin1');
    expect(content.startsWith('%PDF-1.4')).toBe(true);
    const xref = Number(/startxref\n(\d+)/.exec(content)?.[1]);
    expect(content.slice(xref, xref + 4)).toBe('xref');
    for (const [index, offset] of [...content.matchAll(/^(\d{10}) 00000 n $/gm)].entries()) {
      expect(content.slice(Number(offset[1]))).toMatch(new RegExp(`^${index + 1} 0 obj`));
    }
  });

  it('has a thread of ten messages chained by In-Reply-To and References', async () => {
    const thread = mailbox.filter(({ uidl }) => uidl.startsWith('offsite-'));
    expect(thread).toHaveLength(10);
    const ids = new Set<string>();
    for (const [index, { bytes }] of thread.entries()) {
      const email = await PostalMime.parse(bytes);
      if (index === 0) {
        expect(email.inReplyTo).toBeUndefined();
      } else {
        expect(ids.has(email.inReplyTo ?? '')).toBe(true);
        const references = (email.references ?? '').split(/\s+/);
        expect(references.at(-1)).toBe(email.inReplyTo);
        expect(references[0]).toBe('<offsite-1.5f3a9c@example.com>');
        expect(email.subject).toBe('Re: Planning the team offsite');
      }
      ids.add(email.messageId ?? '');
    }
  });

  it('has a newsletter with List-Unsubscribe, and the welcome message last', async () => {
    expect(header(byUidl('weekly-41'), 'List-Unsubscribe')).toMatch(/^<https:\/\//);
    const welcome = await PostalMime.parse(mailbox.at(-1)?.bytes ?? new Uint8Array());
    expect(welcome.subject).toBe('Welcome to your demo mailbox 👋');
  });
});
