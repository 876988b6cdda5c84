// RFC 2045 §6.7 quoted-printable and §6.8 base64, to exact CRLF-ended lines.
// Pure byte work; which part gets which encoding is decided elsewhere.

const CR = 0x0d;
const LF = 0x0a;
/** RFC 2045 §6.8: encoded lines are no more than 76 characters. */
const BASE64_LINE = 76;
/** 57 octets make one 76-character base64 line. */
const BASE64_LINE_OCTETS = 57;
/** RFC 2045 §6.7(5): encoded lines are no more than 76 characters, the soft break's `=` included. */
const QP_LINE = 76;
const HEX = '0123456789ABCDEF';
const ALPHABET = new TextEncoder().encode(
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
);
const PAD = 0x3d;

/**
 * Base64 in 76-character lines, each ended by CRLF. Written straight into
 * the output: btoa() needs a binary string first, and building one from a
 * 20 MB attachment costs several times the encoding itself.
 */
export function base64Lines(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const lines = Math.ceil(bytes.length / BASE64_LINE_OCTETS);
  const out = new Uint8Array(4 * Math.ceil(bytes.length / 3) + 2 * lines);
  let at = 0;
  let column = 0;
  const whole = bytes.length - (bytes.length % 3);
  for (let i = 0; i < whole; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out[at++] = ALPHABET[n >> 18] ?? 0;
    out[at++] = ALPHABET[(n >> 12) & 63] ?? 0;
    out[at++] = ALPHABET[(n >> 6) & 63] ?? 0;
    out[at++] = ALPHABET[n & 63] ?? 0;
    column += 4;
    if (column === BASE64_LINE) {
      out[at++] = CR;
      out[at++] = LF;
      column = 0;
    }
  }
  if (whole < bytes.length) {
    // §6.8: one or two octets left over are padded with `=` to a whole quantum.
    const hasTwo = bytes.length - whole === 2;
    const n = ((bytes[whole] ?? 0) << 16) | (hasTwo ? (bytes[whole + 1] ?? 0) << 8 : 0);
    out[at++] = ALPHABET[n >> 18] ?? 0;
    out[at++] = ALPHABET[(n >> 12) & 63] ?? 0;
    out[at++] = hasTwo ? (ALPHABET[(n >> 6) & 63] ?? 0) : PAD;
    out[at++] = PAD;
    column += 4;
  }
  if (column > 0) {
    out[at++] = CR;
    out[at] = LF;
  }
  return out;
}

const escape = (byte: number): string => `=${HEX[byte >> 4]}${HEX[byte & 15]}`;

/** One line's bytes as QP tokens: each literal character or `=XX` stays whole across soft breaks. */
function lineTokens(line: Uint8Array): string[] {
  const tokens: string[] = [];
  line.forEach((byte, i) => {
    const isLast = i === line.length - 1;
    if (byte === 0x20 || byte === 0x09) {
      // §6.7(3): whitespace at the end of a line is encoded, else transports may strip it.
      tokens.push(isLast ? escape(byte) : String.fromCharCode(byte));
    } else if (byte >= 0x21 && byte <= 0x7e && byte !== 0x3d) {
      tokens.push(String.fromCharCode(byte));
    } else tokens.push(escape(byte));
  });
  // "From " at a line start is mangled to ">From " by mbox delivery; `=46` keeps it exact.
  if (tokens.slice(0, 5).join('') === 'From ') tokens[0] = '=46';
  return tokens;
}

/**
 * Quoted-printable of CRLF-ended text bytes: CRLF pairs stay hard line
 * breaks (§6.7(4)), long lines get soft breaks (`=` CRLF) so none passes 76
 * characters, and every other CR or LF is encoded as `=0D`/`=0A`.
 */
export function quotedPrintable(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out: string[] = [];
  let start = 0;
  while (start <= bytes.length) {
    let end = start;
    while (end < bytes.length && !(bytes[end] === CR && bytes[end + 1] === LF)) end++;
    const hasBreak = end < bytes.length;
    let line = '';
    for (const token of lineTokens(bytes.subarray(start, end))) {
      if (line.length + token.length > QP_LINE - 1) {
        out.push(`${line}=\r\n`);
        line = '';
      }
      line += token;
    }
    if (hasBreak) out.push(`${line}\r\n`);
    else if (line !== '') out.push(`${line}=\r\n`);
    start = end + 2;
  }
  const text = out.join('');
  const encoded = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) encoded[i] = text.charCodeAt(i);
  return encoded;
}
