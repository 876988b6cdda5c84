// Text bodies: the MIME charset, else the HTML meta prescan, else UTF-8 if
// valid, else the declared message charset; and the message relabelled so a
// parser that defaults to UTF-8 reads each part that way.

import { describe, expect, it } from 'vitest';
import { bodyEncoding, labelTextParts } from '../../../shared/mail/body-charset.ts';

const ascii = (text: string): number[] => [...new TextEncoder().encode(text)];
const message = (...pieces: Array<string | number[]>): Uint8Array =>
  Uint8Array.from(pieces.flatMap((piece) => (typeof piece === 'string' ? ascii(piece) : piece)));
const latin1 = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

/** ЗДЕСЬ in KOI8-R: not valid UTF-8. */
const ZDES = [0xfa, 0xe4, 0xe5, 0xf3, 0xf8];

describe('bodyEncoding', () => {
  const koi8 = Uint8Array.from([...ascii('<meta charset="koi8-r">'), ...ZDES]);
  it.each([
    ['the MIME charset wins, mapped as WHATWG does', 'gb2312', true, null, 'gbk'],
    ['the meta prescan for HTML without one', undefined, true, null, 'koi8-r'],
    ['an unknown MIME label falls through to the meta', 'x-nonsense', true, null, 'koi8-r'],
    ['plain text is never prescanned', undefined, false, 'windows-1251', 'windows-1251'],
    ['nothing declared at all: what browsers do', undefined, false, null, 'windows-1252'],
  ])('%s', (_name, charset, isHtml, declared, expected) => {
    expect(bodyEncoding({ charset, isHtml }, () => koi8, declared)).toBe(expected);
  });

  it('takes valid UTF-8 as UTF-8 before the declared charset', () => {
    const utf8 = Uint8Array.from(ascii('Привет'));
    expect(bodyEncoding({ charset: undefined, isHtml: false }, () => utf8, 'koi8-r')).toBe('utf-8');
  });
});

describe('labelTextParts', () => {
  it('adds the meta charset to a text/html part that names none', () => {
    const raw = message(
      'Content-Type: text/html\r\n\r\n<meta charset="koi8-r"><p>',
      ZDES,
      '</p>\r\n',
    );
    expect(latin1(labelTextParts(raw))).toMatch(
      /^Content-Type: text\/html; charset="koi8-r"\r\n\r\n/,
    );
  });

  it('labels each part of a multipart message on its own, base64 and QP decoded first', () => {
    const html = btoa('<meta http-equiv="content-type" content="text/html; charset=big5">');
    const raw = message(
      'Content-Type: multipart/alternative;\r\n boundary="b"\r\n\r\n',
      '--b\r\nContent-Type: text/plain; charset="win-1251"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=CF=F0=E8=E2=E5=F2\r\n',
      '--b\r\nContent-Type: text/plain; charset=windows-1251\r\n\r\nok\r\n',
      `--b\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n${html}\r\n--b--\r\n`,
    );
    const labelled = latin1(labelTextParts(raw));
    expect(labelled).toContain('Content-Type: text/plain; charset="windows-1251"\r\n');
    expect(labelled).toContain('Content-Type: text/html; charset="big5"\r\n');
    expect(labelled.match(/charset=/g)).toHaveLength(3);
  });

  it('gives a message without Content-Type a text/plain label', () => {
    const raw = message('Subject: x\r\n\r\n', ZDES, '\r\n');
    expect(latin1(labelTextParts(raw))).toMatch(
      /^Content-Type: text\/plain; charset="windows-1252"\r\nSubject: x/,
    );
  });

  it('returns the same bytes when every text part is labelled already', () => {
    const raw = message('Content-Type: text/plain; charset=utf-8\r\n\r\nhi\r\n');
    expect(labelTextParts(raw)).toBe(raw);
  });
});
