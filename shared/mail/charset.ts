// Charset labels and byte decoding for mail, by the WHATWG Encoding Standard as
// TextDecoder implements it. Knows nothing of MIME structure or headers.

const names = new Map<string, string | null>();

/**
 * The Encoding Standard's name for a MIME charset label (`gb2312` → `gbk`,
 * `ks_c_5601-1987` → `euc-kr`, `latin1` → `windows-1252`), or null when the
 * label names no encoding TextDecoder can decode.
 */
export function encodingFor(label: string | null | undefined): string | null {
  if (!label) return null;
  // RFC 2231 §5: `charset*language`; the language is not part of the label.
  const key = (label.split('*')[0] ?? '')
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  if (key === '' || key.length > 64) return null;
  let name = names.get(key);
  if (name === undefined) {
    try {
      name = new TextDecoder(key).encoding;
    } catch {
      // Unknown labels and the "replacement" encoding (iso-2022-kr, hz-gb-2312).
      name = null;
    }
    names.set(key, name);
  }
  return name;
}

/**
 * Bytes as text in `encoding` (a name from encodingFor). A fresh decoder every
 * time: the ISO-2022-JP decoder keeps its state between calls, so a shared one
 * turns the second decoding of the same word into a leading U+FFFD.
 */
export function decodeText(bytes: Uint8Array, encoding: string): string {
  return new TextDecoder(encoding).decode(bytes);
}

/** Whether `bytes` are well-formed UTF-8 (plain ASCII included). */
export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    // fatal decoders throw and keep no state, so one can be reused safely.
    STRICT_UTF8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** What browsers use for legacy bytes nothing labels (the HTML standard's default fallback). */
export const FALLBACK_ENCODING = 'windows-1252';

/**
 * Raw 8-bit bytes as text: UTF-8 when valid (RFC 6532), else the charset the
 * message declares, else what browsers do with unlabelled bytes. A message
 * that declares UTF-8 and holds invalid bytes shows them as U+FFFD, as a
 * browser does a page labelled UTF-8: broken bytes stay visibly broken rather
 * than turn into plausible Latin text. ISO-2022-JP is 7-bit and so valid
 * UTF-8: its escape sequences tell it apart when declared.
 */
export function decodeRawBytes(bytes: Uint8Array, declared: string | null): string {
  if (declared === 'iso-2022-jp' && bytes.includes(0x1b)) return decodeText(bytes, declared);
  if (isValidUtf8(bytes)) return decodeText(bytes, 'utf-8');
  return decodeText(bytes, declared ?? FALLBACK_ENCODING);
}

// windows-1252 maps every byte to exactly one code point and leaves ASCII alone, so
// its native decoder turns bytes into a same-length string fast; only 0x80–0x9F land
// elsewhere (0x80 → U+20AC), and REVERSED maps those back.
const BINARY = new TextDecoder('windows-1252');
const REVERSED = new Map<number, number>();
for (let byte = 0x80; byte < 0xa0; byte++) {
  REVERSED.set(BINARY.decode(Uint8Array.of(byte)).charCodeAt(0), byte);
}

/**
 * Bytes as a string of the same length, one char per byte, for finding ASCII
 * structure (line breaks, colons, boundaries) without decoding anything.
 */
export function toBinary(bytes: Uint8Array): string {
  return BINARY.decode(bytes);
}

/** The byte one char of a toBinary string stands for (a latin1 char stands for itself). */
export function byteOf(code: number): number {
  return code < 0x100 ? code : (REVERSED.get(code) ?? 0x3f);
}

/** The bytes a toBinary string (or a slice of one) stands for. */
export function fromBinary(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = byteOf(text.charCodeAt(i));
  return bytes;
}
