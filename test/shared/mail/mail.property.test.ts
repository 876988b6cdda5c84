// Property tests for shared/mail (Node only, as vitest.config.ts runs
// *.property.test.ts): hostile bytes never throw, relabelling only ever adds or
// replaces a charset, and the header rule answers alike for a block and a message.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelTextParts } from '../../../shared/mail/body-charset.ts';
import { decodeEncodedWords } from '../../../shared/mail/encoded-words.ts';
import { readMessageHeaders } from '../../../shared/mail/message-headers.ts';
import { prescanCharset } from '../../../shared/mail/meta-charset.ts';

const latin1 = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

/** Bytes biased towards MIME structure, so the walker goes past the first line. */
const mimeish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'Content-Type: multipart/mixed; boundary="b"\r\n',
        'Content-Type: text/html\r\n',
        'Content-Type: text/plain; charset=x-bad\r\n',
        'Content-Transfer-Encoding: base64\r\n',
        'Content-Transfer-Encoding: quoted-printable\r\n',
        'Subject: =?UTF-8?B?5L2g?= =?ISO-2022-JP?B?GyRCMnE1RCROGyhC?=\r\n',
        '<meta charset="koi8-r">',
        '\r\n',
        '--b\r\n',
        '--b--\r\n',
        '=\r\n',
      ),
      fc.string({ maxLength: 12 }),
    ),
    { maxLength: 40 },
  )
  .map((pieces) => Uint8Array.from(pieces.join(''), (ch) => ch.charCodeAt(0) & 0xff));
const bytes = fc.oneof(fc.uint8Array({ maxLength: 600 }), mimeish);

describe('shared/mail properties', () => {
  it('never throws on any bytes', () => {
    fc.assert(
      fc.property(bytes, (raw) => {
        readMessageHeaders(raw);
        labelTextParts(raw);
        prescanCharset(raw);
        decodeEncodedWords(latin1(raw));
      }),
    );
  });

  it('relabelling only adds or replaces charset parameters and Content-Type lines', () => {
    const anyCharset = /;\s*charset\s*=\s*(?:"[^"]*"|[^;\s]*)/gi;
    const added = /Content-Type: text\/plain\r?\n/g;
    const strip = (bytes: Uint8Array): string =>
      latin1(bytes).replace(anyCharset, '').replace(added, '');
    fc.assert(
      fc.property(bytes, (raw) => {
        expect(strip(labelTextParts(raw))).toBe(strip(raw));
      }),
    );
  });

  it('reads the same headers from a header block and from it with a body after', () => {
    fc.assert(
      fc.property(mimeish, (head) => {
        const block = latin1(head).split('\r\n\r\n')[0] ?? '';
        // Without parts below it, a body cannot change what the top level declares.
        if (/multipart/i.test(block)) return;
        const blockBytes = Uint8Array.from(`${block}\r\n\r\n`, (ch) => ch.charCodeAt(0));
        const whole = Uint8Array.from(`${block}\r\n\r\nbody\r\n`, (ch) => ch.charCodeAt(0));
        expect(readMessageHeaders(whole)).toEqual(readMessageHeaders(blockBytes));
      }),
    );
  });
});
