// Properties of the built message for any input: text, names, subjects and
// attachment bytes come back identical through shared/mail and postal-mime;
// every line ≤ 998 octets, no bare CR or LF, boundaries absent from content.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildMessage, type Attachment, type Draft } from '../../../shared/compose/message.ts';
import { findBareLineEnding } from '../../../shared/smtp/data.ts';
import { base64Lines } from '../../../shared/compose/transfer-encoding.ts';
import { decodeWithPostal, decodeWithShared, typedAsDecoded } from './decode.ts';

const decoder = new TextDecoder('latin1');

/** Text shaped like what people type, and like what breaks encoders. */
const piece = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom(
    'From ',
    '.',
    ' ',
    '  ',
    '\t',
    '\n',
    '\r',
    '\r\n',
    '-- ',
    '> ',
    '=',
    '=?UTF-8?Q?x?=',
    '中文',
    '😀',
    'e\u0301',
    '=_00',
  ),
  fc.constantFrom('x'.repeat(120), 'word '.repeat(30), '长'.repeat(400), 'a'.repeat(1100)),
);
/** A line long enough to be wrapped, with what stuffing must protect at its start. */
const longLine = fc
  .tuple(
    fc.constantFrom('', ' ', '  ', '>', 'From ', '-- ', '.'),
    fc.array(fc.constantFrom('a', 'bb', 'From', '>', '--', '中文', 'é', '', 'x'.repeat(90)), {
      minLength: 10,
      maxLength: 80,
    }),
  )
  .map(([start, words]) => start + words.join(' ').trimEnd());
// TextDecoder drops a leading U+FEFF as a byte order mark, whatever the encoder did.
const text = fc.oneof(
  fc.array(piece, { maxLength: 12 }).map((parts) => parts.join('').replace(/^\ufeff+/, '')),
  // Only lines without trailing spaces: the format=flowed path, not quoted-printable.
  fc.array(longLine, { maxLength: 6 }).map((parts) => parts.join('\n')),
);
const attachment: fc.Arbitrary<Attachment> = fc.record({
  filename: fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
    .filter((name) => name.trim() === name && name !== ''),
  contentType: fc.constantFrom('application/octet-stream', 'image/png', 'text/plain'),
  content: fc.uint8Array({ maxLength: 400 }),
});

function lines(bytes: Uint8Array): string[] {
  return decoder.decode(bytes).split('\r\n');
}

const base: Draft = {
  from: { name: 'Ann', address: 'ann@example.org' },
  to: [{ name: '', address: 'bob@example.net' }],
  subject: 's',
  text: '',
};

function checkWire(bytes: Uint8Array): void {
  expect(findBareLineEnding(bytes)).toBeUndefined();
  for (const line of lines(bytes)) expect(line.length).toBeLessThanOrEqual(998);
}

describe('buildMessage (property)', () => {
  it('gives back any text body exactly, 8BITMIME or not', async () => {
    await fc.assert(
      fc.asyncProperty(text, fc.boolean(), fc.boolean(), async (body, eightBit, withAttachment) => {
        const attachments = withAttachment
          ? [{ filename: 'a', contentType: 'text/plain', content: Uint8Array.of(0x41) }]
          : [];
        const built = buildMessage({ ...base, text: body, attachments }, { eightBit });
        checkWire(built.bytes);
        expect(decodeWithShared(built.bytes).text).toBe(typedAsDecoded(body));
        // postal-mime keeps the line break that belongs to a closing delimiter.
        expect((await decodeWithPostal(built.bytes)).text).toBe(
          typedAsDecoded(body) + (withAttachment ? '\n' : ''),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('gives back any subject and display name', async () => {
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        async (subject, name) => {
          const built = buildMessage({
            ...base,
            subject,
            from: { name, address: 'ann@example.org' },
          });
          checkWire(built.bytes);
          const head = decoder.decode(built.bytes).split('\r\n\r\n')[0] ?? '';
          for (const line of head.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
          const shared = decodeWithShared(built.bytes);
          const postal = await decodeWithPostal(built.bytes);
          expect(shared.subject).toBe(subject.trim());
          expect(shared.from).toEqual({ name: name.trim(), address: 'ann@example.org' });
          expect(postal.subject).toBe(subject.trim());
          expect(postal.from).toEqual({ name: name.trim(), address: 'ann@example.org' });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('gives back any attachment bytes and file names', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(attachment, { minLength: 1, maxLength: 4 }),
        async (attachments) => {
          const built = buildMessage({ ...base, attachments });
          checkWire(built.bytes);
          for (const decoded of [
            decodeWithShared(built.bytes),
            await decodeWithPostal(built.bytes),
          ]) {
            expect(decoded.attachments.map((a) => a.content)).toEqual(
              attachments.map((a) => a.content),
            );
            expect(decoded.attachments.map((a) => a.filename)).toEqual(
              attachments.map((a) => a.filename),
            );
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('never uses a boundary that occurs in a part, even when drawn on purpose', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.integer({ min: 1, max: 3 }),
        (seed, repeats) => {
          const candidate = `=_${[...seed].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
          let draws = 0;
          // The first `repeats` boundary draws give the candidate, which is in the text.
          const random = (length: number): Uint8Array =>
            length === 12 && draws++ < repeats
              ? seed
              : Uint8Array.from({ length }, (_, i) => (i + draws * 7) & 0xff);
          const eml = new TextEncoder().encode(`Subject: x\r\n\r\n--${candidate}\r\n`);
          const built = buildMessage(
            {
              ...base,
              text: `--${candidate}\n${candidate}--`,
              attachments: [{ filename: 'f.eml', contentType: 'message/rfc822', content: eml }],
            },
            { random },
          );
          const message = decoder.decode(built.bytes);
          const boundary = /boundary="([^"]+)"/.exec(message)?.[1] ?? '';
          expect(boundary).not.toBe(candidate);
          const body = message.slice(message.indexOf('\r\n\r\n'));
          // Three delimiters, and no other occurrence: the text, the message and the close.
          expect(body.split(boundary)).toHaveLength(4);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('writes any bytes as base64 lines of 76 that atob() reads back', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), (bytes) => {
        const lines = decoder.decode(base64Lines(bytes)).split('\r\n');
        expect(lines.pop()).toBe('');
        for (const line of lines.slice(0, -1)) expect(line).toHaveLength(76);
        const last = lines[lines.length - 1];
        if (last !== undefined) expect(last.length).toBeGreaterThan(0);
        const binary = atob(lines.join(''));
        expect(Uint8Array.from(binary, (ch) => ch.charCodeAt(0))).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });
});
