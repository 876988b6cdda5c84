// The oracle side of the corpus test: one Expected shape both oracles (stalwart JSON, mime4j
// decoded XML) are read into, plus the small header decoders mime4j's raw fields need.
// Independent of postal-mime on purpose: nothing here imports it or the reader.

export interface ExpectedAddress {
  name: string;
  address: string;
}

/**
 * One piece of the text body, in the order postal-mime assembles them (tree order):
 * a text/plain part, a text/html part the reader shows as text (no plain alternative), or
 * the header block postal-mime writes where an inline message/rfc822 starts.
 */
export type ExpectedTextPart =
  | { kind: 'plain'; text: string; lineDecoded: boolean }
  | { kind: 'html'; html: string }
  | { kind: 'message-header'; subject: string };

export interface ExpectedAttachment {
  filename: string | null;
  /** The decoded content, when the oracle gives it as bytes. */
  bytes: Uint8Array | null;
  /** The decoded content, when the oracle gives it as Unicode text (stalwart Text/Html). */
  text: { value: string; charset: string } | null;
  /** Not base64: postal-mime rebuilds such a body line by line (see compare.ts). */
  lineDecoded: boolean;
  /** The body runs to the end of the message (a single-part message), not to a delimiter. */
  endsAtEof: boolean;
}

export interface Expected {
  /** The oracle file, relative to the corpus folder. */
  oracle: string;
  subject: string;
  from: ExpectedAddress | null;
  textParts: ExpectedTextPart[];
  attachments: ExpectedAttachment[];
}

/** Undoes RFC 5322 folding: a line break followed by white space is not part of the value. */
export function unfold(value: string): string {
  return value.replace(/\r?\n(?=[ \t])/g, '');
}

/** A TextDecoder for a MIME charset name, or null when the platform has none for it. */
export function decoderFor(charset: string): TextDecoder | null {
  try {
    return new TextDecoder(charset.trim().toLowerCase());
  } catch {
    return null;
  }
}

const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=/g;

function encodedWordBytes(encoding: string, text: string): Uint8Array {
  if (encoding.toLowerCase() === 'b') {
    const binary = atob(text.replace(/[^A-Za-z0-9+/]/g, ''));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  }
  // RFC 2047 §4.2: "_" is a space, =XX an octet; everything else is itself.
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    const hex = text.slice(i + 1, i + 3);
    if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else {
      out.push(char === '_' ? 0x20 : char.charCodeAt(0));
    }
  }
  return Uint8Array.from(out);
}

/**
 * RFC 2047 encoded words to Unicode. White space between two encoded words is dropped
 * (§6.2), and adjacent words in one charset are joined as bytes first, because senders
 * split multi-byte characters across words.
 */
export function decodeEncodedWords(value: string): string {
  let out = '';
  let pending: { charset: string; bytes: number[] } | null = null;
  let last = 0;
  const flush = (): void => {
    if (!pending) return;
    const decoder = decoderFor(pending.charset);
    out += decoder ? decoder.decode(Uint8Array.from(pending.bytes)) : '';
    pending = null;
  };
  for (const match of value.matchAll(ENCODED_WORD)) {
    const [word, charset = '', encoding = '', text = ''] = match;
    const gap = value.slice(last, match.index);
    if (!(pending && /^[ \t\r\n]*$/.test(gap))) {
      flush();
      out += gap;
    }
    const bytes = encodedWordBytes(encoding, text);
    if (pending && pending.charset.toLowerCase() !== charset.toLowerCase()) flush();
    pending ??= { charset, bytes: [] };
    pending.bytes.push(...bytes);
    last = match.index + word.length;
  }
  flush();
  return out + value.slice(last);
}

/** Whether postal-mime decodes a body of this Content-Transfer-Encoding line by line. */
export function isLineDecoded(transferEncoding: string | null): boolean {
  return !/base64/i.test(transferEncoding ?? '');
}

/** Splits on a separator outside double quotes. */
function splitOutsideQuotes(value: string, separator: string): string[] {
  const pieces: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i] ?? '';
    if (quoted && char === '\\') {
      current += char + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (!quoted && char === separator) {
      pieces.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  pieces.push(current);
  return pieces;
}

/** A quoted-string's content with its quoted pairs resolved (RFC 5322 §3.2.4). */
function unquote(value: string): string {
  const trimmed = value.trim();
  if (!(trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"'))) return trimmed;
  return trimmed.slice(1, -1).replace(/\\(.)/g, '$1');
}

function percentDecode(value: string, charset: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const hex = value.slice(i + 1, i + 3);
    if (value[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(value.charCodeAt(i));
    }
  }
  return (decoderFor(charset) ?? new TextDecoder()).decode(Uint8Array.from(bytes));
}

/**
 * A structured header value (Content-Type, Content-Disposition): its lower-case token and its
 * parameters, with RFC 2231 continuations and charsets resolved and RFC 2047 words decoded
 * (senders put encoded words in quoted names, and every reader decodes them).
 */
export function parseStructuredHeader(value: string): {
  token: string;
  params: Map<string, string>;
} {
  const [head = '', ...rest] = splitOutsideQuotes(unfold(value), ';');
  const sections = new Map<string, { index: number; extended: boolean; text: string }[]>();
  for (const piece of rest) {
    const equals = piece.indexOf('=');
    if (equals < 0) continue;
    const key = piece.slice(0, equals).trim().toLowerCase();
    const match = /^([^*]+)(?:\*(\d+))?(\*)?$/.exec(key);
    if (!match) continue;
    const [, name = '', index, star] = match;
    const list = sections.get(name) ?? [];
    list.push({ index: Number(index ?? 0), extended: star === '*', text: piece.slice(equals + 1) });
    sections.set(name, list);
  }
  const params = new Map<string, string>();
  for (const [name, list] of sections) {
    list.sort((a, b) => a.index - b.index);
    let charset = 'utf-8';
    let joined = '';
    for (const section of list) {
      let text = unquote(section.text);
      if (section.extended) {
        if (section.index === 0) {
          const parts = /^([^']*)'[^']*'(.*)$/.exec(text);
          if (parts) {
            charset = parts[1] || charset;
            text = parts[2] ?? '';
          }
        }
        text = percentDecode(text, charset);
      }
      joined += text;
    }
    params.set(name, decodeEncodedWords(joined));
  }
  return { token: head.trim().toLowerCase(), params };
}

/**
 * The first mailbox of an address header, for the simple shapes the corpus uses:
 * `Name <addr>`, `"Name" <addr>`, `addr (Name)` (the RFC 822-era comment as display
 * name, as mail readers show it) and a bare `addr`.
 */
export function parseFirstMailbox(value: string): ExpectedAddress | null {
  const text = unfold(value).trim();
  if (text === '') return null;
  const angle = /^(.*?)<([^>]*)>/.exec(text);
  if (angle) {
    return { name: decodeEncodedWords(unquote(angle[1] ?? '')), address: (angle[2] ?? '').trim() };
  }
  const comment = /^(\S+)\s*\((.*)\)$/.exec(text);
  if (comment) return { name: decodeEncodedWords(comment[2] ?? ''), address: comment[1] ?? '' };
  return { name: '', address: text };
}
