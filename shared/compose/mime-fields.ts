// The MIME fields of one body part (RFC 2045 §5, RFC 2183): its media type,
// its disposition and an RFC 2231 file name that any mail client can read.
// Knows nothing of the bytes of the part; message.ts puts them together.

import { composeError } from './errors.ts';
import { FieldWriter } from './header-writer.ts';

const encoder = new TextEncoder();

// RFC 6838 §4.2 restricted-name, for both halves of `type/subtype`.
const MEDIA_TYPE =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
// RFC 2231 §7 attribute-char: CHAR except SPACE, `*`, `'`, `%` and RFC 2045 tspecials.
const ATTRIBUTE_CHAR = /^[A-Za-z0-9!#$&+\-.^_`|~]$/;
/** A file name a quoted-string carries on one folded line, `; ` and the quotes included. */
const MAX_QUOTED_NAME = 60;
/** Each RFC 2231 section on a line of its own: ` filename*NN*=` and `;` leave this room. */
const SECTION_CHARS = 60;

/** The media type as given, lower-cased; refuses anything that is not `type/subtype`. */
export function checkMediaType(contentType: string): string {
  const type = contentType.trim();
  if (!MEDIA_TYPE.test(type)) {
    throw composeError(
      'COMPOSE_BAD_CONTENT_TYPE',
      `${JSON.stringify(contentType)} is not a type/subtype`,
      contentType,
    );
  }
  return type.toLowerCase();
}

/**
 * A file name in printable ASCII for readers that know no RFC 2231: each
 * other character becomes `_`, quotes and backslashes too, and a long name
 * keeps its extension.
 */
export function asciiFallback(filename: string): string {
  let ascii = '';
  for (const ch of filename) ascii += /^[\x20-\x21\x23-\x5b\x5d-\x7e]$/.test(ch) ? ch : '_';
  ascii = ascii.trim() || 'attachment';
  if (ascii.length <= MAX_QUOTED_NAME) return ascii;
  const dot = ascii.lastIndexOf('.');
  const extension = dot > 0 && ascii.length - dot <= 10 ? ascii.slice(dot) : '';
  return ascii.slice(0, MAX_QUOTED_NAME - extension.length) + extension;
}

/** RFC 2231 §4 percent-encoding of the UTF-8 bytes, cut into sections between whole `%XX`. */
function percentSections(filename: string): string[] {
  const sections: string[] = [];
  let section = "UTF-8''";
  for (const byte of encoder.encode(filename)) {
    const ch = String.fromCharCode(byte);
    const token = ATTRIBUTE_CHAR.test(ch)
      ? ch
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    if (section.length + token.length > SECTION_CHARS) {
      sections.push(section);
      section = '';
    }
    section += token;
  }
  sections.push(section);
  return sections;
}

/**
 * `Content-Type` and `Content-Disposition` of an attachment. A short
 * printable-ASCII name is one quoted `filename`; any other gets the ASCII
 * fallback as `filename` and the exact name as RFC 2231 `filename*`
 * (continued as `filename*0*`, `filename*1*`… past one line, §3), which
 * readers that know it prefer. `name` on the Content-Type is for old readers.
 */
export function attachmentFields(contentType: string, filename: string): string {
  const fallback = asciiFallback(filename);
  const quoted = `"${fallback}"`;
  const type = new FieldWriter('Content-Type');
  type.word(`${contentType};`);
  type.word(`name=${quoted}`);
  const disposition = new FieldWriter('Content-Disposition');
  if (fallback === filename) {
    disposition.word('attachment;');
    disposition.word(`filename=${quoted}`);
    return type.toString() + disposition.toString();
  }
  disposition.word('attachment;');
  disposition.word(`filename=${quoted};`);
  const sections = percentSections(filename);
  if (sections.length === 1) disposition.word(`filename*=${sections[0]}`);
  else {
    sections.forEach((section, i) => {
      const end = i < sections.length - 1 ? ';' : '';
      disposition.word(`filename*${i}*=${section}${end}`);
    });
  }
  return type.toString() + disposition.toString();
}
