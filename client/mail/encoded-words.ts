// Header field text for the message list: RFC 2047 encoded-words and raw 8-bit
// header bytes decoded with the browser's TextDecoder. Header values only; whole
// messages are postal-mime's job, in the reader's worker.

const decoders = new Map<string, TextDecoder | null>();

/** A TextDecoder for a MIME charset label, or null when the browser does not know it. */
export function decoderFor(charset: string): TextDecoder | null {
  // RFC 2231 §5: `charset*language`; the language part is not part of the label.
  const label = charset.split('*')[0]?.trim().toLowerCase() ?? '';
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label);
    } catch {
      decoder = null;
    }
    decoders.set(label, decoder);
  }
  return decoder;
}

// Bounded pieces, no nested quantifiers: linear on hostile input.
const ENCODED_WORD = /=\?([^?\s]{1,64})\?([BbQq])\?([^?\s]*)\?=/g;

function base64Bytes(text: string): Uint8Array | null {
  try {
    const binary = atob(text.replace(/=+$/, ''));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

function quotedBytes(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5f)
      out.push(0x20); // RFC 2047 §4.2: "_" is a space
    else if (ch === 0x3d && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(ch & 0xff);
  }
  return Uint8Array.from(out);
}

interface Run {
  charset: string;
  parts: Uint8Array[];
}

function flush(run: Run | undefined): string {
  if (!run) return '';
  const decoder = decoderFor(run.charset) ?? decoderFor('utf-8')!;
  let length = 0;
  for (const part of run.parts) length += part.length;
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const part of run.parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return decoder.decode(joined);
}

/**
 * Decode the encoded-words in a header value. Adjacent words of one charset
 * are joined as bytes before decoding: mailers split a multi-byte character
 * (UTF-8, GBK) across two words. Whitespace between words is dropped (§6.2).
 */
export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value;
  let out = '';
  let run: Run | undefined;
  let last = 0;
  for (const match of value.matchAll(ENCODED_WORD)) {
    const [whole, charset = '', encoding = '', text = ''] = match;
    const start = match.index;
    const between = value.slice(last, start);
    const bytes = encoding.toUpperCase() === 'B' ? base64Bytes(text) : quotedBytes(text);
    if (!bytes) continue; // not decodable: leave the word as written
    const isAdjacent = run !== undefined && /^[ \t\r\n]*$/.test(between);
    if (!isAdjacent) {
      out += flush(run) + between;
      run = undefined;
    }
    if (run && run.charset.toLowerCase() === charset.toLowerCase()) run.parts.push(bytes);
    else {
      out += flush(run);
      run = { charset, parts: [bytes] };
    }
    last = start + whole.length;
  }
  return out + flush(run) + value.slice(last);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether `bytes` are well-formed UTF-8 (plain ASCII included). */
export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Header bytes as text: UTF-8 (RFC 6532) when valid, else the message's
 * declared charset (raw GBK headers are common), else windows-1252.
 */
export function decodeHeaderBytes(bytes: Uint8Array, fallbackCharset?: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const decoder =
      (fallbackCharset ? decoderFor(fallbackCharset) : null) ?? decoderFor('windows-1252')!;
    return decoder.decode(bytes);
  }
}
