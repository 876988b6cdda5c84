// One header field as exact bytes: RFC 5322 §2.2.3 folding at 78 characters
// and RFC 2047 encoded-words for text that is not printable ASCII. Knows
// nothing of which field means what; header-fields.ts decides that.

const encoder = new TextEncoder();

/** RFC 5322 §2.1.1: lines SHOULD be at most 78 characters, CRLF excluded. */
const MAX_LINE = 78;
/** RFC 2047 §2: an encoded-word is at most 75 characters. */
const MAX_WORD = 75;
/** `=?UTF-8?B?` and `?=` around the encoded text. */
const WORD_OVERHEAD = 12;
/** The longest word one code point can need (4 octets in Q: 12 + 3 × 4). */
const MIN_BUDGET = WORD_OVERHEAD + 12;
/** A literal word longer than this cannot be folded onto a line of its own. */
export const MAX_LITERAL_WORD = MAX_LINE - 1;

/**
 * RFC 2047 §5(3): the characters a Q word may carry as they are inside a
 * phrase. The strictest of the three contexts, so one rule serves `Subject`
 * (§5(1)) and display names alike.
 */
const Q_SAFE = /^[A-Za-z0-9!*+\-/]$/;

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

function qLength(bytes: Uint8Array): number {
  let length = 0;
  for (const byte of bytes)
    length += byte === 0x20 || Q_SAFE.test(String.fromCharCode(byte)) ? 1 : 3;
  return length;
}

function qText(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    const ch = String.fromCharCode(byte);
    // RFC 2047 §4.2(2): "_" stands for a space and reads better than =20.
    if (byte === 0x20) out += '_';
    else if (Q_SAFE.test(ch)) out += ch;
    else out += `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function bText(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

const bLength = (octets: number): number => 4 * Math.ceil(octets / 3);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * The pieces an encoded run is cut at: whole grapheme clusters, so a letter
 * and its combining marks stay in one word where they fit (decoders that
 * render word by word show them together), else single code points. Never
 * inside a UTF-8 sequence (RFC 2047 §5: each word holds whole characters).
 */
function units(text: string, budget: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const { segment } of segmenter.segment(text)) {
    const bytes = encoder.encode(segment);
    if (WORD_OVERHEAD + 3 * bytes.length <= budget) out.push(bytes);
    else for (const point of segment) out.push(encoder.encode(point));
  }
  return out;
}

/** Writes one field, folding between words so that no line passes 78 characters. */
export class FieldWriter {
  private readonly lines: string[] = [];
  private line: string;
  private hasWord = false;

  constructor(name: string) {
    this.line = `${name}:`;
  }

  /**
   * Appends `text` (no folding whitespace inside it) after `space`, folding
   * before it when the line would grow past 78. RFC 5322 §3.2.2: unfolding
   * removes only the CRLF, so `space` comes back as it was.
   */
  word(text: string, space = ' '): void {
    if (this.hasWord && space !== '' && this.line.length + space.length + text.length > MAX_LINE) {
      this.lines.push(this.line);
      this.line = '';
    }
    this.line += space + text;
    this.hasWord = true;
  }

  /**
   * Appends `text` as UTF-8 encoded-words after `space`: B or Q, whichever is
   * shorter for the whole run (RFC 2047 §4), each word ≤ 75 characters and
   * sized to the room left on its line. Whitespace between adjacent words is
   * dropped by decoders (§6.2), so the text's own spaces travel inside them.
   */
  encoded(text: string, space = ' '): void {
    const all = encoder.encode(text);
    const isQ = qLength(all) <= bLength(all.length);
    const length = (bytes: Uint8Array): number =>
      WORD_OVERHEAD + (isQ ? qLength(bytes) : bLength(bytes.length));
    let gap = space;
    let budget = this.openWord(gap);
    let current: Uint8Array = new Uint8Array(0);
    for (const unit of units(text, MAX_WORD)) {
      const joined = concat(current, unit);
      if (current.length > 0 && length(joined) > budget) {
        this.line +=
          gap + (isQ ? `=?UTF-8?Q?${qText(current)}?=` : `=?UTF-8?B?${bText(current)}?=`);
        gap = ' ';
        budget = this.openWord(gap);
        current = unit;
      } else current = joined;
    }
    if (current.length > 0) {
      this.line += gap + (isQ ? `=?UTF-8?Q?${qText(current)}?=` : `=?UTF-8?B?${bText(current)}?=`);
    }
  }

  /** Folds first when the line has too little room left; returns the room for the next word. */
  private openWord(space: string): number {
    if (this.hasWord && space !== '' && MAX_LINE - this.line.length - space.length < MIN_BUDGET) {
      this.lines.push(this.line);
      this.line = '';
    }
    this.hasWord = true;
    return Math.min(MAX_WORD, MAX_LINE - this.line.length - space.length);
  }

  /** The field, folded lines joined by CRLF, with its closing CRLF. */
  toString(): string {
    return [...this.lines, this.line].join('\r\n') + '\r\n';
  }
}
