// Reads mime4j's DOM expectations (`NAME_decoded.xml` and the `NAME_decoded_<path>.txt|.bin`
// bodies it names) into Expected. The XML holds the MIME tree with raw header fields; each
// leaf file holds the transfer-decoded body (text still in the part's charset).
import {
  decodeEncodedWords,
  decoderFor,
  isLineDecoded,
  parseFirstMailbox,
  parseStructuredHeader,
  unfold,
  type Expected,
  type ExpectedAttachment,
  type ExpectedTextPart,
} from './expected.ts';

interface Mime4jEntity {
  fields: { name: string; value: string }[];
  body:
    | { kind: 'multipart'; parts: Mime4jEntity[] }
    | { kind: 'message'; message: Mime4jEntity }
    | { kind: 'leaf'; file: string }
    | { kind: 'none' };
}

const XML_TOKEN = /<(\/?)([a-z-]+)((?:\s+[a-z]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;

function unescapeXml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Parses the small, fixed XML dialect of mime4j's MessageParserTest. */
export function parseDecodedXml(xml: string): Mime4jEntity {
  const stack: Mime4jEntity[] = [];
  let root: Mime4jEntity | null = null;
  let fieldText: string | null = null;
  for (const [, closing, tag, attributes = '', selfClosing, text] of xml.matchAll(XML_TOKEN)) {
    const top = stack[stack.length - 1];
    if (text !== undefined) {
      if (fieldText !== null) fieldText += text;
      continue;
    }
    if (tag === 'field') {
      if (closing) {
        // Each field starts on its own line after <field>; the rest is the raw field.
        const raw = unescapeXml(fieldText ?? '').replace(/^\r?\n/, '');
        const colon = raw.indexOf(':');
        top?.fields.push({
          name: raw.slice(0, colon).trim().toLowerCase(),
          value: raw.slice(colon + 1),
        });
        fieldText = null;
      } else {
        fieldText = '';
      }
    } else if ((tag === 'message' || tag === 'body-part') && !closing) {
      const entity: Mime4jEntity = { fields: [], body: { kind: 'none' } };
      if (top?.body.kind === 'multipart') top.body.parts.push(entity);
      else if (top) top.body = { kind: 'message', message: entity };
      root ??= entity;
      stack.push(entity);
    } else if ((tag === 'message' || tag === 'body-part') && closing) {
      stack.pop();
    } else if (tag === 'multipart' && !closing && top) {
      top.body = { kind: 'multipart', parts: [] };
    } else if ((tag === 'text-body' || tag === 'binary-body') && selfClosing && top) {
      const name = /name="([^"]*)"/.exec(attributes)?.[1] ?? '';
      top.body = { kind: 'leaf', file: name };
    }
  }
  if (!root) throw new Error('no <message> in decoded XML');
  return root;
}

function field(entity: Mime4jEntity, name: string): string | null {
  return entity.fields.find((entry) => entry.name === name)?.value ?? null;
}

/** RFC 2045 §5.2 / RFC 2046 §5.1.5: text/plain, except message/rfc822 inside a digest. */
function typeOf(entity: Mime4jEntity, parentType: string | null) {
  const raw = field(entity, 'content-type');
  const parsed = raw === null ? null : parseStructuredHeader(raw);
  const fallback = parentType === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
  const token = parsed && parsed.token.includes('/') ? parsed.token : fallback;
  return { token, params: parsed?.params ?? new Map<string, string>() };
}

interface Walk {
  root: Mime4jEntity;
  unlabeledCharset: string;
  readFile: (name: string) => Uint8Array;
  text: ExpectedTextPart[];
  attachments: ExpectedAttachment[];
}

/**
 * Collects text and attachments in tree order with postal-mime's classification: an
 * inline text/plain or text/html leaf is body text (inside multipart/alternative only the
 * plain ones, or the html ones when it has no plain), an inline message/rfc822 is read in
 * place behind a header block, any other leaf is an attachment.
 */
function walk(entity: Mime4jEntity, parentType: string | null, state: Walk): void {
  const type = typeOf(entity, parentType);
  const disposition = parseStructuredHeader(field(entity, 'content-disposition') ?? '');
  const isAttachment = disposition.token === 'attachment';
  const body = entity.body;
  const lineDecoded = isLineDecoded(field(entity, 'content-transfer-encoding'));
  if (body.kind === 'multipart') {
    if (type.token === 'multipart/alternative') walkAlternative(body.parts, state);
    else for (const part of body.parts) walk(part, type.token, state);
  } else if (
    body.kind === 'message' &&
    (disposition.token === '' || disposition.token === 'inline')
  ) {
    state.text.push({ kind: 'message-header', subject: subjectOf(body.message) });
    walk(body.message, null, state);
  } else if (body.kind === 'leaf' && !isAttachment && /^text\/(plain|html)$/.test(type.token)) {
    const charset = type.params.get('charset') ?? state.unlabeledCharset;
    const decoded = (decoderFor(charset) ?? new TextDecoder('windows-1252')).decode(
      state.readFile(body.file),
    );
    state.text.push(
      type.token === 'text/html'
        ? { kind: 'html', html: decoded }
        : { kind: 'plain', text: decoded, lineDecoded },
    );
  } else if (body.kind === 'leaf' || body.kind === 'message') {
    const filename = disposition.params.get('filename') ?? type.params.get('name') ?? null;
    const bytes = body.kind === 'leaf' ? state.readFile(body.file) : null;
    const endsAtEof = parentType === null && entity === state.root;
    state.attachments.push({ filename, bytes, text: null, lineDecoded, endsAtEof });
  }
}

function walkAlternative(parts: Mime4jEntity[], state: Walk): void {
  const branch: Walk = { ...state, text: [], attachments: state.attachments };
  for (const part of parts) walk(part, 'multipart/alternative', branch);
  const plain = branch.text.filter((part) => part.kind !== 'html');
  state.text.push(...(plain.length > 0 ? plain : branch.text));
}

function subjectOf(entity: Mime4jEntity): string {
  const raw = field(entity, 'subject');
  return raw === null ? '' : decodeEncodedWords(unfold(raw).trim());
}

/**
 * Expected subject, sender, text and attachments from one mime4j `NAME_decoded.xml`. A text
 * body that names no charset is read as US-ASCII (RFC 2045 §5.2), which TextDecoder maps to
 * windows-1252 like browsers do, unless `unlabeledCharset` says otherwise.
 */
export function mime4jExpected(
  oracle: string,
  xml: string,
  readFile: (name: string) => Uint8Array,
  unlabeledCharset = 'us-ascii',
): Expected {
  const root = parseDecodedXml(xml);
  const state: Walk = { root, unlabeledCharset, readFile, text: [], attachments: [] };
  walk(root, null, state);
  const from = field(root, 'from');
  return {
    oracle,
    subject: subjectOf(root),
    from: from === null ? null : parseFirstMailbox(from),
    textParts: state.text,
    attachments: state.attachments,
  };
}
