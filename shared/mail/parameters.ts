// Structured header values with parameters (Content-Type, Content-Disposition):
// RFC 2045 §5.1 `type/subtype; name=value`, and RFC 2231 continuations and
// charsets. Input is one header value as a binary string (a char per byte).

import { decodeRawBytes, decodeText, encodingFor, fromBinary } from './charset.ts';
import { decodeEncodedWords } from './encoded-words.ts';

export interface StructuredValue {
  /** Lower-case value before the first `;`, e.g. `text/html`. */
  value: string;
  /** Decoded parameters by lower-case name; the first occurrence wins. */
  params: Map<string, string>;
}

const MAX_PARAMS = 64;

/** Splits at `;` outside quoted strings. */
function pieces(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let isQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && isQuoted) i++;
    else if (ch === '"') isQuoted = !isQuoted;
    else if (ch === ';' && !isQuoted) {
      out.push(text.slice(start, i));
      start = i + 1;
      if (out.length > MAX_PARAMS) return out;
    }
  }
  out.push(text.slice(start));
  return out;
}

function unquote(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return trimmed.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return trimmed;
}

function percentBytes(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_all, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

interface Continued {
  /** Section number → [is percent-encoded, text]. */
  sections: Map<number, [boolean, string]>;
}

/**
 * Parses a structured value. RFC 2231 §3 continuations (`name*0*=`, `name*1=`)
 * are joined in section order; §4 `charset'language'%XX` bytes are decoded in
 * that charset; plain values with RFC 2047 words (common in file names) are
 * decoded too. `declared` is the message's charset, for raw 8-bit values.
 */
export function parseStructured(text: string, declared: string | null = null): StructuredValue {
  const [head = '', ...rest] = pieces(text);
  const params = new Map<string, string>();
  const continued = new Map<string, Continued>();
  for (const piece of rest) {
    const eq = piece.indexOf('=');
    if (eq <= 0) continue;
    const key = piece.slice(0, eq).trim().toLowerCase();
    const raw = unquote(piece.slice(eq + 1));
    const section = /^(.+?)\*(\d{1,3})?(\*)?$/.exec(key);
    if (!section) {
      if (!params.has(key))
        params.set(key, decodeEncodedWords(decodeRawBytes(fromBinary(raw), declared), declared));
      continue;
    }
    const [, name = '', number, star] = section;
    // `name*=` alone is one encoded section; `name*N` is section N, encoded with a trailing `*`.
    const index = number === undefined ? 0 : Number(number);
    const isEncoded = number === undefined || star !== undefined;
    const entry = continued.get(name) ?? { sections: new Map() };
    if (!entry.sections.has(index)) entry.sections.set(index, [isEncoded, raw]);
    continued.set(name, entry);
  }
  for (const [name, { sections }] of continued) {
    let charset: string | null = null;
    let binary = '';
    for (const [index, [isEncoded, raw]] of [...sections].sort(([a], [b]) => a - b)) {
      let part = raw;
      if (isEncoded && index === 0) {
        // §4: only the first section carries `charset'language'`.
        const match = /^([^']*)'[^']*'(.*)$/.exec(raw);
        if (match) {
          charset = encodingFor(match[1]);
          part = match[2] ?? '';
        }
      }
      binary += isEncoded ? percentBytes(part) : part;
    }
    const bytes = fromBinary(binary);
    // RFC 2231 wins over a plain parameter of the same name (it was written for us).
    params.set(name, charset ? decodeText(bytes, charset) : decodeRawBytes(bytes, declared));
  }
  return { value: head.trim().toLowerCase(), params };
}
