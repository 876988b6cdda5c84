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
 * message declares, else what browsers do with unlabelled bytes. ISO-2022-JP is
 * 7-bit and so valid UTF-8: its escape sequences tell it apart when declared.
 */
export function decodeRawBytes(bytes: Uint8Array, declared: string | null): string {
  if (declared === 'iso-2022-jp' && bytes.includes(0x1b)) return decodeText(bytes, declared);
  if (isValidUtf8(bytes)) return decodeText(bytes, 'utf-8');
  return decodeText(bytes, declared && declared !== 'utf-8' ? declared : FALLBACK_ENCODING);
}

/** Bytes as a string of the same length, one char per byte (for ASCII structure). */
export function toBinary(bytes: Uint8Array): string {
  let out = '';
  // Chunks keep the argument list of fromCharCode under engine limits.
  for (let at = 0; at < bytes.length; at += 0x8000) {
    out += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return out;
}

/** The inverse of toBinary; chars above 0xFF keep only their low byte. */
export function fromBinary(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}
