// Reads a built message back two ways, for round-trip tests: the project's own
// decoder (shared/mail) and postal-mime, the parser the reader runs.

import PostalMime from 'postal-mime';
import { toBinary } from '../../../shared/mail/charset.ts';
import { leafParts, partContent } from '../../../shared/mail/mime-parts.ts';
import { parseStructured, readMessageHeaders } from '../../../shared/mail/index.ts';

const decoder = new TextDecoder();

/** RFC 3676 §4.1–4.4 unflowing (DelSp=no): unstuff, then join lines that end with a space. */
export function unflow(text: string): string {
  const lines = text.split('\r\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let out = '';
  for (const raw of lines) {
    const line = raw.startsWith(' ') ? raw.slice(1) : raw;
    out += line;
    if (!line.endsWith(' ') || line === '-- ') out += '\n';
  }
  return out;
}

export interface Decoded {
  subject: string;
  from: { name: string; address: string } | null;
  to: Array<{ name: string; address: string }>;
  cc: Array<{ name: string; address: string }>;
  /** The text part, line breaks as `\n`. */
  text: string;
  attachments: Array<{ filename: string; contentType: string; content: Uint8Array }>;
}

/** The project's decoder: headers by readMessageHeaders, parts by leafParts and partContent. */
export function decodeWithShared(bytes: Uint8Array): Decoded {
  const headers = readMessageHeaders(bytes);
  const text = toBinary(bytes);
  const leaves = leafParts(text);
  const [first, ...rest] = leaves;
  let body = '';
  if (first) {
    body = decoder.decode(partContent(text, first));
    body =
      first.contentType.params.get('format') === 'flowed'
        ? unflow(body)
        : body.replace(/\r\n/g, '\n');
  }
  return {
    subject: headers.subject,
    from: headers.from,
    to: headers.to,
    cc: headers.cc,
    text: body,
    attachments: rest.map((part) => {
      const header = text.slice(part.headerStart, part.bodyStart);
      const disposition =
        /\r\nContent-Disposition:((?:[^\r]|\r\n[ \t])*)/i.exec(`\r\n${header}`)?.[1] ?? '';
      return {
        filename: parseStructured(disposition.replace(/\r\n/g, '')).params.get('filename') ?? '',
        contentType: part.contentType.value,
        content: partContent(text, part),
      };
    }),
  };
}

/** postal-mime's reading. Its text keeps the line break before a closing delimiter. */
export async function decodeWithPostal(bytes: Uint8Array): Promise<Decoded> {
  const email = await PostalMime.parse(bytes, { rfc822Attachments: true });
  return {
    subject: email.subject ?? '',
    from: email.from ? { name: email.from.name, address: email.from.address ?? '' } : null,
    to: (email.to ?? []).map((m) => ({ name: m.name, address: m.address ?? '' })),
    cc: (email.cc ?? []).map((m) => ({ name: m.name, address: m.address ?? '' })),
    text: (email.text ?? '').replace(/\r\n/g, '\n'),
    attachments: email.attachments.map((a) => ({
      filename: a.filename ?? '',
      contentType: a.mimeType,
      content: new Uint8Array(a.content as ArrayBuffer),
    })),
  };
}

/** The text a decoder gives back for what was typed: `\n` line breaks, ending with one. */
export function typedAsDecoded(text: string): string {
  const lines = text.replace(/\r\n|\r/g, '\n');
  return lines.endsWith('\n') ? lines : `${lines}\n`;
}
