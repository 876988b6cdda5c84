// The whole message: exact bytes for a fixed clock and randomness, Bcc kept
// out of the header, and round trips through shared/mail and postal-mime.

import { describe, expect, it } from 'vitest';
import { buildMessage, type Draft } from '../../../shared/compose/message.ts';
import { ComposeError } from '../../../shared/compose/errors.ts';
import { decodeWithPostal } from './decode.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const DATE = new Date(Date.UTC(2026, 11, 8, 2, 10, 59));

/** Counting bytes: 00 01 02 …, so ids and boundaries are the same on every run. */
function counter(): (length: number) => Uint8Array {
  let next = 0;
  return (length) => Uint8Array.from({ length }, () => next++ & 0xff);
}

const options = { date: DATE, timeZoneOffset: 60, random: counter() };
const base: Draft = {
  from: { name: 'Ann Example', address: 'ann@example.org' },
  to: [{ name: '', address: 'bob@example.net' }],
  subject: 'Lunch',
  text: 'See you at noon.\n',
};

describe('buildMessage: exact bytes', () => {
  it('writes a plain ASCII message as 7bit text', () => {
    const built = buildMessage(base, { ...options, random: counter() });
    expect(decoder.decode(built.bytes)).toBe(
      'Date: Tue, 08 Dec 2026 03:10:59 +0100\r\n' +
        'From: Ann Example <ann@example.org>\r\n' +
        'To: bob@example.net\r\n' +
        'Subject: Lunch\r\n' +
        'Message-ID: <000102030405060708090a0b0c0d0e0f@example.org>\r\n' +
        'MIME-Version: 1.0\r\n' +
        'Content-Type: text/plain; charset=utf-8\r\n' +
        'Content-Transfer-Encoding: 7bit\r\n' +
        '\r\n' +
        'See you at noon.\r\n',
    );
    expect(built.messageId).toBe('<000102030405060708090a0b0c0d0e0f@example.org>');
    expect(built.envelope).toEqual({ from: 'ann@example.org', recipients: ['bob@example.net'] });
  });

  it('writes a reply with In-Reply-To, References, Cc and an attachment as multipart/mixed', () => {
    const built = buildMessage(
      {
        ...base,
        cc: [{ name: 'Last, First', address: 'lf@example.com' }],
        subject: 'Re: Lunch',
        inReplyTo: '<b@example.net>',
        references: ['<a@example.net>', 'b@example.net'],
        attachments: [
          {
            filename: 'a.bin',
            contentType: 'Application/Octet-Stream',
            content: Uint8Array.of(0, 255, 10, 13),
          },
        ],
      },
      { ...options, random: counter() },
    );
    expect(decoder.decode(built.bytes)).toBe(
      'Date: Tue, 08 Dec 2026 03:10:59 +0100\r\n' +
        'From: Ann Example <ann@example.org>\r\n' +
        'To: bob@example.net\r\n' +
        'Cc: "Last, First" <lf@example.com>\r\n' +
        'Subject: Re: Lunch\r\n' +
        'Message-ID: <000102030405060708090a0b0c0d0e0f@example.org>\r\n' +
        'In-Reply-To: <b@example.net>\r\n' +
        'References: <a@example.net> <b@example.net>\r\n' +
        'MIME-Version: 1.0\r\n' +
        'Content-Type: multipart/mixed; boundary="=_101112131415161718191a1b"\r\n' +
        '\r\n' +
        '--=_101112131415161718191a1b\r\n' +
        'Content-Type: text/plain; charset=utf-8\r\n' +
        'Content-Transfer-Encoding: 7bit\r\n' +
        '\r\n' +
        'See you at noon.\r\n' +
        '\r\n' +
        '--=_101112131415161718191a1b\r\n' +
        'Content-Type: application/octet-stream; name="a.bin"\r\n' +
        'Content-Disposition: attachment; filename="a.bin"\r\n' +
        'Content-Transfer-Encoding: base64\r\n' +
        '\r\n' +
        'AP8KDQ==\r\n' +
        '\r\n' +
        '--=_101112131415161718191a1b--\r\n',
    );
  });

  it('keeps Bcc out of the header and puts every recipient in the envelope once', () => {
    const built = buildMessage(
      {
        ...base,
        to: [{ name: '', address: 'bob@example.net' }],
        cc: [
          { name: '', address: 'BOB@example.net' },
          { name: '', address: 'cy@example.net' },
        ],
        bcc: [{ name: 'Secret', address: 'hidden@example.com' }],
      },
      options,
    );
    const text = decoder.decode(built.bytes);
    expect(text).not.toMatch(/hidden|Secret|^Bcc:/im);
    expect(built.envelope.recipients).toEqual([
      'bob@example.net',
      'cy@example.net',
      'hidden@example.com',
    ]);
  });

  it('sends to Bcc alone, with no To field', () => {
    const built = buildMessage(
      { ...base, to: [], bcc: [{ name: '', address: 'me@example.org' }] },
      options,
    );
    expect(decoder.decode(built.bytes)).not.toMatch(/^To:/m);
    expect(built.envelope.recipients).toEqual(['me@example.org']);
  });

  it('writes 8bit text and an 8bit multipart only when the server offers 8BITMIME', () => {
    const draft = {
      ...base,
      text: 'Grüße\n',
      attachments: [{ filename: 'x', contentType: 'text/plain', content: Uint8Array.of(1) }],
    };
    const without = decoder.decode(buildMessage(draft, options).bytes);
    const with8 = decoder.decode(buildMessage(draft, { ...options, eightBit: true }).bytes);
    expect(without).toContain(
      'Content-Transfer-Encoding: quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe\r\n',
    );
    expect(without).not.toContain('8bit');
    expect(with8).toContain('Content-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n');
    // RFC 2045 §6.4: the multipart around an 8bit part says 8bit too.
    expect(with8).toMatch(/boundary="[^"]+"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n--/);
  });

  it('draws the boundary again when it occurs in a raw part', () => {
    // The first boundary drawn (after the 16 id bytes) is =_101112131415161718191a1b.
    const text = 'a line with =_101112131415161718191a1b inside\n';
    const built = buildMessage(
      {
        ...base,
        text,
        attachments: [{ filename: 'x', contentType: 'text/plain', content: Uint8Array.of(1) }],
      },
      { ...options, random: counter() },
    );
    expect(decoder.decode(built.bytes)).toContain('boundary="=_1c1d1e1f2021222324252627"');
  });
});

describe('buildMessage: forwarding as message/rfc822', () => {
  const eml = encoder.encode('From: a@example.net\r\nSubject: x\r\n\r\nBody\r\n.\r\nFrom me\r\n');

  it('carries the original byte for byte as 7bit, its last CRLF included', () => {
    const built = buildMessage(
      {
        ...base,
        attachments: [{ filename: 'x.eml', contentType: 'message/rfc822', content: eml }],
      },
      { ...options, random: counter() },
    );
    const text = decoder.decode(built.bytes);
    expect(text).toContain(
      'Content-Type: message/rfc822; name="x.eml"\r\nContent-Disposition: attachment; filename="x.eml"\r\n' +
        'Content-Transfer-Encoding: 7bit\r\n\r\n' +
        decoder.decode(eml) +
        '\r\n--=_',
    );
  });

  it.each([
    ['8-bit bytes without 8BITMIME', encoder.encode('Subject: é\r\n\r\nx\r\n'), false],
    ['a bare LF', encoder.encode('Subject: x\n\nx\n'), true],
    ['a NUL', Uint8Array.of(0x41, 0, 0x0d, 0x0a), true],
    ['a line over 998 octets', encoder.encode(`Subject: ${'x'.repeat(1000)}\r\n\r\n`), true],
  ])(
    'sends %s as application/octet-stream in base64, bytes unchanged',
    async (_name, content, eightBit) => {
      const built = buildMessage(
        { ...base, attachments: [{ filename: 'o.eml', contentType: 'message/rfc822', content }] },
        { ...options, eightBit },
      );
      expect(decoder.decode(built.bytes)).toContain(
        'Content-Type: application/octet-stream; name="o.eml"',
      );
      const [attachment] = (await decodeWithPostal(built.bytes)).attachments;
      expect(attachment?.content).toEqual(content);
    },
  );

  it('carries an 8-bit original as 8bit when the server offers 8BITMIME', () => {
    const content = encoder.encode('Subject: é\r\n\r\nx\r\n');
    const built = buildMessage(
      { ...base, attachments: [{ filename: 'o.eml', contentType: 'message/rfc822', content }] },
      { ...options, eightBit: true },
    );
    expect(decoder.decode(built.bytes)).toContain('Content-Type: message/rfc822; name="o.eml"');
    expect(decoder.decode(built.bytes)).toContain(
      'Content-Transfer-Encoding: 8bit\r\n\r\nSubject: é\r\n\r\nx\r\n\r\n--',
    );
  });
});

describe('buildMessage: refusals', () => {
  it.each([
    [
      'a bad From',
      { ...base, from: { name: '', address: 'nobody' } },
      'COMPOSE_BAD_ADDRESS',
      'nobody',
    ],
    ['a bad To', { ...base, to: [{ name: '', address: 'a@@b' }] }, 'COMPOSE_BAD_ADDRESS', 'a@@b'],
    [
      'a bad Bcc',
      { ...base, bcc: [{ name: '', address: 'x y@z.example' }] },
      'COMPOSE_BAD_ADDRESS',
      'x y@z.example',
    ],
    [
      'a non-ASCII address without SMTPUTF8',
      { ...base, to: [{ name: '', address: '用户@例子.广告' }] },
      'COMPOSE_BAD_ADDRESS',
      '用户@例子.广告',
    ],
    ['no recipient', { ...base, to: [] }, 'COMPOSE_NO_RECIPIENTS', undefined],
    [
      'a message-id with a space',
      { ...base, inReplyTo: '<a b@c>' },
      'COMPOSE_BAD_HEADER',
      '<a b@c>',
    ],
    [
      'a header injection in a reference',
      { ...base, references: ['<a@b>\r\nBcc: x@y'] },
      'COMPOSE_BAD_HEADER',
      '<a@b>\r\nBcc: x@y',
    ],
    [
      'a bad content type',
      {
        ...base,
        attachments: [
          { filename: 'x', contentType: 'text/plain\r\nX: y', content: new Uint8Array() },
        ],
      },
      'COMPOSE_BAD_CONTENT_TYPE',
      'text/plain\r\nX: y',
    ],
  ])('refuses %s', (_name, draft, code, entry) => {
    let caught: unknown;
    try {
      buildMessage(draft, options);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ComposeError);
    expect((caught as ComposeError).code).toBe(code);
    expect((caught as ComposeError).entry).toBe(entry);
  });

  it('writes a UTF-8 address as it is under SMTPUTF8 (RFC 6532)', () => {
    const built = buildMessage(
      { ...base, to: [{ name: '', address: '用户@例子.广告' }] },
      { ...options, utf8: true },
    );
    expect(decoder.decode(built.bytes)).toContain('To: 用户@例子.广告\r\n');
  });
});

describe('buildMessage: size', () => {
  it('carries a 3 MB attachment byte for byte', async () => {
    const content = Uint8Array.from({ length: 3_000_000 }, (_, i) => (i * 131 + (i >> 8)) & 0xff);
    const built = buildMessage(
      {
        ...base,
        attachments: [{ filename: 'big.bin', contentType: 'application/octet-stream', content }],
      },
      options,
    );
    const [attachment] = (await decodeWithPostal(built.bytes)).attachments;
    // A loop, not toEqual: a deep comparison of 3 million elements takes seconds.
    const got = attachment?.content ?? new Uint8Array();
    let firstDifference = got.length === content.length ? -1 : Math.min(got.length, content.length);
    for (let i = 0; i < content.length && firstDifference < 0; i++)
      if (got[i] !== content[i]) firstDifference = i;
    expect(firstDifference).toBe(-1);
  });
});
