// SASLprep (RFC 4013): the §3 examples, and the mapping, prohibition and bidi
// rules this profile takes from stringprep (RFC 3454).

import { describe, expect, it } from 'vitest';
import { saslPrep } from '../../../shared/pop3/sasl/saslprep.ts';
import { expectSaslThrow } from './helpers.ts';

describe('saslPrep', () => {
  // RFC 4013 §3.
  it.each([
    ['I\u00ADX', 'IX'],
    ['user', 'user'],
    ['USER', 'USER'],
    ['\u00AA', 'a'],
    ['\u2168', 'IX'],
  ])('RFC 4013 §3: %j → %j', (input, output) => {
    expect(saslPrep('input', input)).toBe(output);
  });

  it.each([
    ['\u0007', 'RFC 4013 §3: prohibited character'],
    ['\u0627\u0031', 'RFC 4013 §3: bidirectional check'],
  ])('RFC 4013 §3: %j is an error (%s)', (input) => {
    expectSaslThrow(() => saslPrep('input', input));
  });

  it.each([
    ['a\u00A0b', 'a b', 'no-break space'],
    ['a\u3000b', 'a b', 'ideographic space'],
    ['a\u2003b', 'a b', 'em space'],
    ['a b', 'a b', 'ASCII space kept'],
    ['a\u200Db', 'ab', 'zero width joiner'],
    ['a\uFEFFb', 'ab', 'BOM'],
    ['\uFB01', 'fi', 'NFKC ligature'],
    ['e\u0301', '\u00e9', 'NFKC composition'],
    ['\u0627\u0644\u0633\u0644\u0627\u0645', '\u0627\u0644\u0633\u0644\u0627\u0645', 'all RTL'],
    ['\u05D0123\u05D1', '\u05D0123\u05D1', 'RTL first and last, digits inside'],
    ['Пароль', 'Пароль', 'Cyrillic'],
    ['密码', '密码', 'Han'],
    ['\u{1F600}', '\u{1F600}', 'emoji outside every table'],
  ])('%j → %j (%s)', (input, output) => {
    expect(saslPrep('input', input)).toBe(output);
  });

  it.each([
    ['a\u0000b', 'NUL'],
    ['a\u007Fb', 'DEL'],
    ['a\u0085b', 'C1 control'],
    ['a\u2028b', 'line separator'],
    ['a\u200Eb', 'left-to-right mark'],
    ['a\u202Eb', 'right-to-left override'],
    ['a\uE000b', 'private use'],
    ['a\u{F0000}b', 'plane 15 private use'],
    ['a\uFDD0b', 'non-character'],
    ['a\uFFFFb', 'non-character at the end of the BMP'],
    ['a\u{1FFFE}b', 'non-character in plane 1'],
    ['a\uD800b', 'lone surrogate'],
    ['a\uFFFDb', 'replacement character'],
    ['a\u2FF0b', 'ideographic description character'],
    ['a\u{E0041}b', 'tag character'],
    ['a\u{1D173}b', 'musical control'],
    ['\u05D0a\u05D1', 'RTL with LTR inside'],
    ['\u05D01', 'RTL not last'],
    ['1\u05D0', 'RTL not first'],
  ])('refuses %j (%s) without echoing it', (input) => {
    const error = expectSaslThrow(() => saslPrep('the password', input));
    expect(error.message).toMatch(/^the password /);
    expect(error.message).not.toContain(input);
  });
});
