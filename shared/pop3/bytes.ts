// Byte helpers for the codec: Web platform only (Uint8Array, TextDecoder).

const utf8 = new TextDecoder('utf-8');

/** Join byte arrays into one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1 && parts[0]) return parts[0];
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Decode protocol text (status lines, listings): UTF-8, bad bytes become U+FFFD. */
export function decodeText(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/** Split a multi-line body into lines without their line endings (CRLF, or a bare LF). */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}
