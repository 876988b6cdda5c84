// Strict base64 (RFC 4648): the RFC §10 vectors both ways, and everything a
// lenient decoder would accept but we refuse.

import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../../../shared/pop3/sasl/index.ts';
import { bytes, expectSaslThrow, text } from './helpers.ts';

describe('encodeBase64 / decodeBase64', () => {
  // RFC 4648 §10.
  it.each([
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ])('%j ↔ %j', (plain, encoded) => {
    expect(encodeBase64(bytes(plain))).toBe(encoded);
    expect(text(decodeBase64(encoded))).toBe(plain);
  });

  it('uses + and / for 62 and 63, and keeps every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(encodeBase64(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('+/+/');
    expect(decodeBase64(encodeBase64(all))).toEqual(all);
  });

  it('decodes the empty string to empty bytes', () => {
    expect(decodeBase64('')).toEqual(new Uint8Array());
  });
});

describe('decodeBase64 refuses anything not canonical', () => {
  it.each([
    ['Zg', 'missing padding'],
    ['Zg=', 'short padding'],
    ['Zm9', 'length not a multiple of 4'],
    ['Zg===', 'too much padding'],
    ['Z===', 'three pad characters'],
    ['====', 'padding only'],
    ['=Zm9', 'padding first'],
    ['Zg==Zg==', 'padding in the middle'],
    ['Zm=v', 'pad character inside a quantum'],
    ['Zh==', 'non-zero bits under two pad characters'],
    ['Zm9=', 'non-zero bits under one pad character'],
    ['Zm9v ', 'trailing space'],
    ['Zm 9v', 'inner space'],
    ['Zm9v\r\n', 'line break'],
    ['Zm9v\n', 'bare LF'],
    ['Zm-_', 'URL-safe alphabet'],
    ['Zm9v\u0000', 'NUL'],
    ['Zm9é', 'non-ASCII'],
    ['Zm9vYmF\u0100', 'code unit above 255'],
    ['Zm9v*', 'asterisk (SASL cancel is not data)'],
  ])('%j (%s)', (input) => {
    expectSaslThrow(() => decodeBase64(input));
  });
});
