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

/** Base64 in 76-character lines, each ended by CRLF. Linear, for attachments of any size. */
export function base64Lines(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const lines = Math.ceil(bytes.length / BASE64_LINE_OCTETS);
  const out = new Uint8Array(4 * Math.ceil(bytes.length / 3) + 2 * lines);
  let at = 0;
  // Whole lines per block keep every btoa() call aligned to line starts.
  const block = BASE64_LINE_OCTETS * 512;
  for (let start = 0; start < bytes.length; start += block) {
    const chunk = bytes.subarray(start, start + block);
    let binary = '';
    for (let i = 0; i < chunk.length; i += 8192) {
      binary += String.fromCharCode(...chunk.subarray(i, i + 8192));
    }
    const text = btoa(binary);
    for (let i = 0; i < text.length; i += BASE64_LINE) {
      const end = Math.min(i + BASE64_LINE, text.length);
      for (let j = i; j < end; j++) out[at++] = text.charCodeAt(j);
      out[at++] = CR;
      out[at++] = LF;
    }
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
