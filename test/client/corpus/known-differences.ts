// Where postal-mime (behind parseMessage) legitimately answers differently from the
// oracle, message by message and field by field, each with its reason. A field listed here
// is checked against the pinned value instead, and the test also proves the oracle still
// disagrees, so an entry that stops being needed fails until it is removed.
import type { ExpectedAddress } from './expected.ts';

export interface PinnedAttachment {
  filename: string | null;
  size: number;
}

/** One attachment the oracle lists too, whose decoded content postal-mime gives differently. */
export interface PinnedContent {
  index: number;
  size: number;
  /** The oracle's decoded bytes are a prefix of postal-mime's. */
  startsWithOracle: boolean;
}

export type TextDifference =
  /** postal-mime's text, after normalizeLines(), trailing line breaks cut, header blocks masked. */
  | { reason: string; value: string }
  /** The oracle's bodies that name no charset are read in this one, as postal-mime reads them. */
  | { reason: string; unlabeledCharset: string };

export interface KnownDifference {
  from?: { reason: string; value: ExpectedAddress | null };
  text?: TextDifference;
  /** The list itself differs: postal-mime's names and sizes. */
  attachments?: { reason: string; value: PinnedAttachment[] };
  /** Same list, but some contents differ. */
  attachmentContents?: { reason: string; value: PinnedContent[] };
}

const HTML_ONLY =
  'The message has no text/plain part. postal-mime leaves the text body empty and the reader ' +
  'shows the sanitized HTML body; mail-parser (JMAP rules) points text_body at the HTML part.';

const HTML_CONVERTED =
  'An inline text/html part sits outside any multipart/alternative next to text/plain parts. ' +
  'postal-mime adds it to the text body converted from HTML (its own conversion); the oracle ' +
  'only has the HTML source.';

const NO_AT_SIGN =
  'The From field is a lone word without "@". postal-mime reads it as a display name with an ' +
  'empty address; the oracle only has the raw field, read here as an address.';

const TRAILING_BASE64 =
  'The base64 body ends in an incomplete group (the enclosing part is cut off by a bad or ' +
  'missing delimiter). postal-mime decodes the partial group into two more bytes, mime4j ' +
  'drops it; every byte mime4j decodes is the same.';

const INNER_UNCLOSED =
  'The inner multipart is never closed and the outer boundary comes next. postal-mime ends ' +
  'the inner multipart at the outer boundary (RFC 2046 §5.1.2) and shows all three text ' +
  'parts; mail-parser reads the inner part on to the end and lists "22 … 333" as one attachment.';

const NOTHING_FOUND_ATTACHMENT =
  'mail-parser keeps the text it could not place as an attachment; postal-mime lists no ' +
  'attachment.';

export const KNOWN_DIFFERENCES: Readonly<Record<string, KnownDifference>> = {
  'stalwart-mail-parser/rfc/000.eml': {
    attachmentContents: {
      reason:
        'RFC 2049 example with placeholder text ("... base64-encoded ... goes here ...") in ' +
        'the base64 audio and image parts. mail-parser keeps the undecodable text as is; ' +
        'postal-mime decodes the base64 letters in it, as base64 decoders do.',
      value: [
        { index: 0, size: 45, startsWithOracle: false },
        { index: 1, size: 22, startsWithOracle: false },
      ],
    },
  },
  'stalwart-mail-parser/thirdparty/002.eml': {
    text: {
      reason:
        'Broken base64: letters after the padding ("ecO2dMOkIHZhYW4uCg== ignored") and a body ' +
        'of "?garbage". The two decoders turn the letters after the padding into slightly ' +
        'different junk (U+FFFD either way). postal-mime decodes "?garbage" as base64 too and ' +
        'shows it as a third text part; mail-parser keeps it undecoded as an attachment.',
      value: 'päivää\n\n\nyötä vaan.\n\uFFFD\t\uFFFD\uFFFD\n\uFFFD\uFFFD\uFFFDj\u0007',
    },
    attachments: {
      reason: 'See text: the "?garbage" part is body text in postal-mime.',
      value: [],
    },
  },
  'stalwart-mail-parser/thirdparty/005.eml': {
    text: {
      reason:
        'Content-Transfer-Encoding: binary in UTF-16LE: postal-mime rebuilds the body line by ' +
        'line and ends it with a 0x0A byte (rule 1 in compare.ts), one byte too many for ' +
        'UTF-16, which decodes to U+FFFD. The last part ends in "invalid--1--" with no line ' +
        'break: a delimiter must start a line (RFC 2046 §5.1.1), so postal-mime keeps it as ' +
        'text; mail-parser cuts it off.',
      value: 'Test message\n\uFFFD\nTest message\n\nTest message\n\n『世界人権宣言』\ninvalid--1--',
    },
  },
  'stalwart-mail-parser/thirdparty/008.eml': {
    text: {
      reason:
        'Nested multipart/alternative inside multipart/alternative. postal-mime renders the ' +
        'outer alternative from its own text/html part (converted: "Hello world") and the inner ' +
        'alternative from its plain parts, so both appear; mail-parser keeps only the inner plain parts.',
      value:
        '\n----\nFrom:    sub@domain.org\nSubject: submsg\nDate: …\n----\n\n\nHello world\n\n' +
        'sub3 text\n\nsub3 text2\n\nsub2 text2\n\nAnother part',
    },
  },
  'stalwart-mail-parser/thirdparty/016.eml': { text: { reason: HTML_ONLY, value: '' } },
  'stalwart-mail-parser/thirdparty/018.eml': { text: { reason: HTML_ONLY, value: '' } },
  'stalwart-mail-parser/malformed/001.eml': {
    text: {
      reason:
        'Boundary "a" nested in "ab", the inner one never closed. postal-mime shows the last ' +
        '"--a" line as text of the last part (the inner multipart ended when "--ab" opened the ' +
        'next outer part); mail-parser splits off one more empty part.',
      value: '--a',
    },
    attachments: { reason: NOTHING_FOUND_ATTACHMENT, value: [] },
  },
  'stalwart-mail-parser/malformed/002.eml': {
    attachments: {
      reason:
        'multipart/mixed whose boundary never occurs: to postal-mime the whole body is preamble ' +
        '(RFC 2046 §5.1.1), so nothing is shown. ' +
        NOTHING_FOUND_ATTACHMENT,
      value: [],
    },
  },
  'stalwart-mail-parser/malformed/003.eml': {
    text: {
      reason:
        'The inner multipart reuses the outer boundary "a" and nothing is closed. postal-mime ' +
        'shows "body" as the text of the innermost part; mail-parser lists it as an attachment.',
      value: 'body',
    },
    attachments: { reason: NOTHING_FOUND_ATTACHMENT, value: [] },
  },
  'stalwart-mail-parser/malformed/004.eml': {
    attachments: {
      reason:
        'No line matches a declared boundary ("--ab" and "--ac" for boundary "a"): postal-mime ' +
        'sees only preamble. ' +
        NOTHING_FOUND_ATTACHMENT,
      value: [],
    },
  },
  'stalwart-mail-parser/malformed/006.eml': {
    text: {
      reason:
        'The inner boundary "ab" extends the outer "a" and nothing is closed. postal-mime shows ' +
        '"body" as text; mail-parser lists it as an attachment.',
      value: 'body',
    },
    attachments: { reason: NOTHING_FOUND_ATTACHMENT, value: [] },
  },
  'stalwart-mail-parser/malformed/007.eml': {
    attachments: {
      reason:
        'The inner multipart header runs straight into its first boundary (no blank line). ' +
        'mail-parser finds one more empty part and lists it as an attachment; postal-mime does not.',
      value: [],
    },
  },
  'stalwart-mail-parser/malformed/008.eml': {
    text: {
      reason:
        'The inner multipart "a" is never closed; "--ab" opens the next outer part, a text/html ' +
        'one. postal-mime shows both parts, the HTML one converted; mail-parser lists the HTML ' +
        'part as an attachment.',
      value: 'body\n\nbody2',
    },
    attachments: { reason: 'See text.', value: [] },
  },
  'stalwart-mail-parser/malformed/009.eml': {
    text: { reason: INNER_UNCLOSED, value: '1\n\n22\n\n333' },
    attachments: { reason: INNER_UNCLOSED, value: [] },
  },
  'stalwart-mail-parser/malformed/011.eml': {
    text: { reason: INNER_UNCLOSED, value: '1\n\n22\n\n333' },
    attachments: { reason: INNER_UNCLOSED, value: [] },
  },
  'stalwart-mail-parser/malformed/012.eml': {
    text: {
      reason:
        'Same shape as malformed/009, with headerless message/rfc822 parts. postal-mime ends ' +
        'the inner multipart at "--1" and shows three nested messages, each behind an empty ' +
        'header block (four line breaks); in mail-parser the second nested message runs on ' +
        'to the end and holds the third as text.',
      value: '\n\n\n\n\n1\n\n\n\n\n\n\n22\n\n\n\n\n\n\n333',
    },
  },
  'stalwart-mail-parser/malformed/016.eml': {
    text: {
      reason:
        'Three nested boundaries that are prefixes of one another (79 to 82 digits), none ' +
        'closed. postal-mime takes the innermost declared boundary first and reads the two ' +
        'shorter delimiter lines as text; mail-parser splits four parts and lists the last ' +
        'as an attachment.',
      value:
        '1\n\n22\n--' +
        '123456789012345678901234567890123456789012345678901234567890123456789012345678901' +
        '\nContent-Type: text/plain\n\n333\n--' +
        '12345678901234567890123456789012345678901234567890123456789012345678901234567890' +
        '\nContent-Type: text/plain\n\n4444',
    },
    attachments: { reason: 'See text.', value: [] },
  },
  'stalwart-mail-parser/malformed/017.eml': {
    attachments: {
      reason:
        'Content-Type "multipart/mixed" and its boundary parameter are separated by a line ' +
        'break but no ";". postal-mime finds no boundary parameter, so the image part is ' +
        'preamble and the message shows nothing; mail-parser recovers the boundary.',
      value: [],
    },
  },
  'stalwart-mail-parser/malformed/019.eml': {
    text: {
      reason:
        'Fuzzed message: boundary "boundary42" declared, "--Boundary42" used for some parts, ' +
        'headers overwritten with body text. The parsers find different parts; postal-mime ' +
        'shows the one text/html fragment it finds (converted), mail-parser three empty texts.',
      value: '\n\nHTML body of the multiparuMmlti Sendure.',
    },
  },
  'stalwart-mail-parser/malformed/020.eml': {
    text: {
      reason:
        'A part with two Content-Type fields (multipart/alternative, then text/plain). ' +
        'postal-mime takes the first, as it does for every content header so that a message ' +
        'cannot show one type to a filter and another to the reader: an alternative in which ' +
        '"Plain Text" is preamble, the plain branch is empty and the HTML branch is shown as ' +
        'HTML. mail-parser takes the last and shows the whole part, delimiters included, as text.',
      value: '',
    },
  },
  'stalwart-mail-parser/malformed/021.eml': {
    text: {
      reason: 'Same shape as malformed/020 (two Content-Type fields; postal-mime takes the first).',
      value: '',
    },
  },
  'mime4j/testmsgs/ending-boundaries.msg': {
    text: {
      reason:
        'The delimiter lines carry text after the boundary ("--boundary This should be ' +
        'ignored"). mime4j matches the boundary as a prefix (RFC 2046 §5.1.1 note); postal-mime ' +
        'accepts only white space after it, finds no part, and shows nothing.',
      value: '',
    },
  },
  'mime4j/testmsgs/malformedHeaderStartsBody-nocrlfcrlf.msg': {
    text: {
      reason:
        'mime4j made this expectation with setMalformedHeaderStartsBody(true), a non-default ' +
        'mode in which a malformed header line starts the body. postal-mime drops the ' +
        'malformed line as a header.',
      value: 'Body text',
    },
  },
  'mime4j/testmsgs/malformedHeaderStartsBody-noheader.msg': {
    text: {
      reason:
        'As malformedHeaderStartsBody-nocrlfcrlf: in its default mode the line is a (broken) ' +
        'header for both parsers, and the message has no body.',
      value: '',
    },
  },
  'mime4j/mimetools-testmsgs/double-bound.msg': {
    text: {
      reason: HTML_CONVERTED,
      value:
        "\n\nThis message contains double boundaries all over the\nplace. We want to make sure that bad things don't happen.\n\n" +
        'One bad thing is that the doubled-boundary above can\nbe mistaken for a single boundary plus a bogus premature\n' +
        'end of headers.\n\n\n\nHello? Am I here?\n\n\n\nHello? Am I here?',
    },
  },
  'mime4j/mimetools-testmsgs/frag.msg': {
    attachmentContents: {
      reason: TRAILING_BASE64,
      value: [{ index: 0, size: 60896, startsWithOracle: true }],
    },
  },
  'mime4j/mimetools-testmsgs/lennie.msg': {
    text: {
      reason: HTML_CONVERTED,
      value:
        'This is the message body.  A picture should also be displayed.\n\n\n\n' +
        'This is Page 3 of my rolling web page demo.',
    },
  },
  'mime4j/mimetools-testmsgs/multi-digest.msg': {
    text: {
      reason:
        'The second digest entry says "Content-type: text" (no subtype). RFC 2045 §5.2 makes ' +
        'an invalid Content-Type text/plain; postal-mime keeps the type "text", so the body is ' +
        "an attachment and the text shows only that entry's header block.",
      value:
        '\n----\nFrom:    noone@nowhere.org\nSubject: embedded message 1\n----\n\n' +
        'This is implicitly-typed ASCII text.\nIt does NOT end with a linebreak.\n\n\n' +
        '----\nFrom:    noone@nowhere.org\nSubject: embedded message 2\n----',
    },
    attachments: { reason: 'See text.', value: [{ filename: null, size: 74 }] },
  },
  'mime4j/mimetools-testmsgs/multi-frag.msg': {
    attachmentContents: {
      reason:
        TRAILING_BASE64 +
        ' Here the image part runs on past a bad delimiter ("XXXXXX--unique-boundary-2--").',
      value: [{ index: 1, size: 401, startsWithOracle: true }],
    },
  },
  'mime4j/mimetools-testmsgs/re-fwd.msg': {
    from: { reason: NO_AT_SIGN, value: { name: 'user2', address: '' } },
  },
  'mime4j/mimetools-testmsgs/uu-zeegee.msg': {
    from: { reason: NO_AT_SIGN, value: { name: 'me', address: '' } },
  },
};
