// SASLprep (RFC 4013), the stringprep (RFC 3454) profile SCRAM applies to names
// and passwords as "query" strings (RFC 5802 §2.2): unassigned code points pass.

import { saslError } from './mechanism.ts';

type Ranges = readonly (readonly [number, number])[];

// RFC 3454 Table C.1.2, non-ASCII space characters: RFC 4013 §2.1 maps them to SPACE.
const NON_ASCII_SPACE: Ranges = [
  [0x00a0, 0x00a0],
  [0x1680, 0x1680],
  [0x2000, 0x200b],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
];

// RFC 3454 Table B.1, "commonly mapped to nothing" (soft hyphen, joiners,
// variation selectors, BOM). U+200B is also in C.1.2, which wins above, as in
// the common implementations.
const MAPPED_TO_NOTHING: Ranges = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x1806, 0x1806],
  [0x180b, 0x180d],
  [0x200b, 0x200d],
  [0x2060, 0x2060],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
];

// RFC 4013 §2.3: Tables C.1.2, C.2.1, C.2.2, C.3, C.5, C.6, C.7, C.8, C.9
// (C.4, the non-characters, is tested arithmetically below).
const PROHIBITED: Ranges = [
  [0x0000, 0x001f], // C.2.1 ASCII control
  [0x007f, 0x009f], // C.2.1 DEL, C.2.2 C1 controls
  [0x00a0, 0x00a0], // C.1.2
  [0x0340, 0x0341], // C.8
  [0x06dd, 0x06dd], // C.2.2
  [0x070f, 0x070f], // C.2.2
  [0x1680, 0x1680], // C.1.2
  [0x180e, 0x180e], // C.2.2
  [0x2000, 0x200f], // C.1.2, C.2.2 (200C, 200D), C.8 (200E, 200F)
  [0x2028, 0x2029], // C.2.2
  [0x202a, 0x202f], // C.8, C.1.2 (202F)
  [0x205f, 0x2063], // C.1.2 (205F), C.2.2 (2060–2063)
  [0x206a, 0x206f], // C.2.2, C.8
  [0x2ff0, 0x2ffb], // C.7
  [0x3000, 0x3000], // C.1.2
  [0xd800, 0xdfff], // C.5 lone surrogates
  [0xe000, 0xf8ff], // C.3
  [0xfeff, 0xfeff], // C.2.2
  [0xfff9, 0xfffd], // C.2.2 (FFF9–FFFC), C.6
  [0x1d173, 0x1d17a], // C.2.2
  [0xe0001, 0xe0001], // C.9
  [0xe0020, 0xe007f], // C.9
  [0xf0000, 0xffffd], // C.3
  [0x100000, 0x10fffd], // C.3
];

// RFC 3454 Table D.1, characters with bidirectional property R or AL.
const RAND_AL_CAT: Ranges = [
  [0x05be, 0x05be],
  [0x05c0, 0x05c0],
  [0x05c3, 0x05c3],
  [0x05d0, 0x05ea],
  [0x05f0, 0x05f4],
  [0x061b, 0x061b],
  [0x061f, 0x061f],
  [0x0621, 0x063a],
  [0x0640, 0x064a],
  [0x066d, 0x066f],
  [0x0671, 0x06d5],
  [0x06dd, 0x06dd],
  [0x06e5, 0x06e6],
  [0x06fa, 0x06fe],
  [0x0700, 0x070d],
  [0x0710, 0x0710],
  [0x0712, 0x072c],
  [0x0780, 0x07a5],
  [0x07b1, 0x07b1],
  [0x200f, 0x200f],
  [0xfb1d, 0xfb1d],
  [0xfb1f, 0xfb28],
  [0xfb2a, 0xfb36],
  [0xfb38, 0xfb3c],
  [0xfb3e, 0xfb3e],
  [0xfb40, 0xfb41],
  [0xfb43, 0xfb44],
  [0xfb46, 0xfbb1],
  [0xfbd3, 0xfd3d],
  [0xfd50, 0xfd8f],
  [0xfd92, 0xfdc7],
  [0xfdf0, 0xfdfc],
  [0xfe70, 0xfe74],
  [0xfe76, 0xfefc],
];

// Table D.2 (bidirectional property L) has some 360 ranges; it is
// approximated by letters and spacing marks outside the right-to-left
// scripts. Letters those scripts gained after Unicode 3.2 are unassigned for
// stringprep, so they count as neither R nor L.
const LETTER_OR_MARK = /^[\p{L}\p{Mc}]$/u;
const RIGHT_TO_LEFT_SCRIPT =
  /^[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}]$/u;

function isIn(ranges: Ranges, codePoint: number): boolean {
  for (const [low, high] of ranges) {
    if (codePoint < low) return false;
    if (codePoint <= high) return true;
  }
  return false;
}

function isRandAL(codePoint: number): boolean {
  return isIn(RAND_AL_CAT, codePoint);
}

function isL(char: string, codePoint: number): boolean {
  return LETTER_OR_MARK.test(char) && !isRandAL(codePoint) && !RIGHT_TO_LEFT_SCRIPT.test(char);
}

/**
 * Prepare `input` with SASLprep (RFC 4013): map (§2.1), normalize with NFKC
 * (§2.2), refuse prohibited output (§2.3) and bad bidirectional strings
 * (§2.4, RFC 3454 §6). Throws POP3_SASL_FAILED naming `what`, never the
 * input, since it may be a password.
 */
export function saslPrep(what: string, input: string): string {
  let mapped = '';
  for (const char of input) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (isIn(NON_ASCII_SPACE, codePoint)) mapped += ' ';
    else if (!isIn(MAPPED_TO_NOTHING, codePoint)) mapped += char;
  }
  const output = mapped.normalize('NFKC');

  let hasRandAL = false;
  let hasL = false;
  for (const char of output) {
    const codePoint = char.codePointAt(0) ?? 0;
    // C.4: U+FDD0–FDEF and the last two code points of every plane.
    const isNonCharacter =
      (codePoint >= 0xfdd0 && codePoint <= 0xfdef) || (codePoint & 0xfffe) === 0xfffe;
    if (isNonCharacter || isIn(PROHIBITED, codePoint)) {
      throw saslError(`${what} contains a character SASLprep prohibits (RFC 4013 §2.3)`);
    }
    if (isRandAL(codePoint)) hasRandAL = true;
    else if (isL(char, codePoint)) hasL = true;
  }
  if (hasRandAL) {
    const codePoints = Array.from(output, (char) => char.codePointAt(0) ?? 0);
    // RFC 3454 §6: no L next to R/AL, and R/AL first and last.
    if (hasL || !isRandAL(codePoints[0] ?? 0) || !isRandAL(codePoints.at(-1) ?? 0)) {
      throw saslError(`${what} mixes text directions in a way SASLprep refuses (RFC 3454 §6)`);
    }
  }
  return output;
}
