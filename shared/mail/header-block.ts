// The header block of a message or MIME part: where it ends and its fields,
// unfolded, as binary strings (a char per byte). No decoding happens here, so a
// raw GBK or Big5 byte can never be mistaken for a line break or a colon.

/** Where a header block that starts at `start` ends. */
export interface HeaderBounds {
  /** Offset of the blank line (or of `end` when there is none). */
  headerEnd: number;
  /** Offset just past the blank line: where the body starts. */
  bodyStart: number;
}

/** Finds the blank line (CRLF CRLF, or bare LFs as some mailers write) ending a header block. */
export function headerBounds(text: string, start = 0, end = text.length): HeaderBounds {
  if (text.startsWith('\r\n', start)) return { headerEnd: start, bodyStart: start + 2 };
  if (text.startsWith('\n', start)) return { headerEnd: start, bodyStart: start + 1 };
  for (let at = text.indexOf('\n', start); at >= 0 && at < end; at = text.indexOf('\n', at + 1)) {
    if (text.startsWith('\r\n', at + 1) && at + 3 <= end)
      return { headerEnd: at + 1, bodyStart: at + 3 };
    if (text.startsWith('\n', at + 1) && at + 2 <= end)
      return { headerEnd: at + 1, bodyStart: at + 2 };
  }
  return { headerEnd: end, bodyStart: end };
}

const MAX_FIELDS = 2000;

/**
 * The wanted fields of the header block `text.slice(start, end)`, unfolded, by
 * lower-case name; the first occurrence wins (a second Subject is ignored, as
 * every mail client does).
 */
export function headerFields(
  text: string,
  wanted: ReadonlySet<string>,
  start = 0,
  end = text.length,
): Map<string, string> {
  const fields = new Map<string, string>();
  let name: string | undefined;
  let parts: string[] = [];
  const keep = (): void => {
    if (name !== undefined && !fields.has(name) && wanted.has(name))
      fields.set(name, parts.join(''));
  };
  let count = 0;
  let at = start;
  while (at < end) {
    let lineEnd = text.indexOf('\n', at);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    const next = lineEnd + 1;
    if (text.charCodeAt(lineEnd - 1) === 0x0d && lineEnd > at) lineEnd--;
    if (lineEnd === at) break; // the blank line ends the header block
    const first = text.charCodeAt(at);
    if ((first === 0x20 || first === 0x09) && name !== undefined) {
      // RFC 5322 §2.2.3: unfolding removes only the CRLF.
      if (wanted.has(name)) parts.push(text.slice(at, lineEnd));
    } else {
      keep();
      if (++count > MAX_FIELDS) break;
      const colon = text.indexOf(':', at);
      const hasName = colon > at && colon < lineEnd;
      name = hasName ? text.slice(at, colon).trim().toLowerCase() : undefined;
      parts = hasName && wanted.has(name ?? '') ? [text.slice(colon + 1, lineEnd)] : [];
    }
    at = next;
  }
  keep();
  return fields;
}
