// The real-world corpus (test/fixtures/corpus, sources in its SOURCES.md) through the
// reader's parser: every message opens, and subject, sender, text body and attachments
// match the expected output of two other MIME parsers, stalwart mail-parser and mime4j.
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../client/worker/parse-message.ts';
import type { ParsedMessage } from '../../../client/reader/message-types.ts';
import { listCorpusMessages, readCorpusBytes } from '../../support/corpus.ts';
import {
  comparableText,
  contentDifference,
  expectedTextPattern,
  hasHtmlText,
  pinnedText,
} from './compare.ts';
import type { Expected } from './expected.ts';
import { KNOWN_DIFFERENCES, type KnownDifference } from './known-differences.ts';
import { mime4jExpected } from './mime4j-oracle.ts';
import { stalwartExpected } from './stalwart-oracle.ts';

/** Generous: the slowest message (88 KB) parses in well under 200 ms on a laptop. */
const PARSE_BUDGET_MS = 2_000;

const MESSAGES = listCorpusMessages();
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const LATIN1 = new TextDecoder('latin1');

/** The oracle next to a message: stalwart `NNN.json`, or mime4j `NAME_decoded.xml`. */
function loadExpected(message: string, unlabeledCharset?: string): Expected {
  if (message.startsWith('stalwart-mail-parser/')) {
    const oracle = message.replace(/\.eml$/, '.json');
    return stalwartExpected(oracle, UTF8.decode(readCorpusBytes(oracle)));
  }
  const oracle = message.replace(/\.msg$/, '_decoded.xml');
  const folder = message.slice(0, message.lastIndexOf('/') + 1);
  // mime4j writes this XML in ISO-8859-1 (MessageParserTest.writeToFile).
  return mime4jExpected(
    oracle,
    LATIN1.decode(readCorpusBytes(oracle)),
    (name) => readCorpusBytes(`${folder}${name}`),
    unlabeledCharset,
  );
}

/** What each message's test compared, for the summary at the end. */
const tally = {
  parsed: 0,
  subject: { oracle: 0, pinned: 0 },
  from: { oracle: 0, pinned: 0 },
  text: { oracle: 0, pinned: 0 },
  attachmentLists: { oracle: 0, pinned: 0 },
  /** `absent`: a message/rfc822 kept as an attachment, of which the oracles give no bytes. */
  attachmentContents: { oracle: 0, pinned: 0, absent: 0 },
};

function textMatches(parsed: ParsedMessage, expected: Expected): boolean {
  return expectedTextPattern(expected.textParts).test(
    comparableText(parsed.text, expected.textParts),
  );
}

function checkText(
  parsed: ParsedMessage,
  expected: Expected,
  message: string,
  known?: KnownDifference,
): void {
  const difference = known?.text;
  if (difference && 'value' in difference) {
    expect(pinnedText(parsed.text), difference.reason).toBe(difference.value);
    expect(
      textMatches(parsed, expected),
      `${message}: known text difference no longer differs`,
    ).toBe(false);
    tally.text.pinned++;
    return;
  }
  if (difference) {
    const relabeled = loadExpected(message, difference.unlabeledCharset);
    expect(comparableText(parsed.text, relabeled.textParts)).toMatch(
      expectedTextPattern(relabeled.textParts),
    );
    expect(
      textMatches(parsed, expected),
      `${message}: known text difference no longer differs`,
    ).toBe(false);
    tally.text.pinned++;
    return;
  }
  expect(
    hasHtmlText(expected.textParts),
    'HTML shown as text needs an entry in known-differences.ts',
  ).toBe(false);
  expect(comparableText(parsed.text, expected.textParts), expected.oracle).toMatch(
    expectedTextPattern(expected.textParts),
  );
  tally.text.oracle++;
}

function checkAttachments(
  parsed: ParsedMessage,
  expected: Expected,
  message: string,
  known?: KnownDifference,
): void {
  const names = parsed.attachments.map((attachment) => attachment.filename);
  const expectedNames = expected.attachments.map((attachment) => attachment.filename);
  for (const attachment of parsed.attachments) {
    expect(attachment.size, 'size is the byte length of bytes').toBe(attachment.bytes.byteLength);
  }
  if (known?.attachments) {
    const pinned = parsed.attachments.map(({ filename, size }) => ({ filename, size }));
    expect(pinned, known.attachments.reason).toEqual(known.attachments.value);
    expect(names, `${message}: known attachment-list difference no longer differs`).not.toEqual(
      expectedNames,
    );
    tally.attachmentLists.pinned++;
    return;
  }
  expect(names, expected.oracle).toEqual(expectedNames);
  tally.attachmentLists.oracle++;

  const pinnedContents = new Map(
    known?.attachmentContents?.value.map((entry) => [entry.index, entry]),
  );
  expected.attachments.forEach((wanted, index) => {
    const attachment = parsed.attachments[index];
    if (!attachment) throw new Error(`no attachment ${index}`);
    const bytes = new Uint8Array(attachment.bytes);
    const difference = contentDifference(bytes, wanted);
    const pin = pinnedContents.get(index);
    if (pin) {
      expect(attachment.size, known?.attachmentContents?.reason).toBe(pin.size);
      expect(
        difference,
        `${message}: known content difference of attachment ${index} no longer differs`,
      ).toEqual(expect.any(String));
      if (pin.startsWithOracle && wanted.bytes) {
        expect(contentDifference(bytes.subarray(0, wanted.bytes.length), wanted)).toBeNull();
      }
      tally.attachmentContents.pinned++;
    } else if (difference !== undefined) {
      expect(difference, `content of attachment ${index} (${String(wanted.filename)})`).toBeNull();
      tally.attachmentContents.oracle++;
    } else {
      expect(attachment.mimeType).toBe('message/rfc822');
      tally.attachmentContents.absent++;
    }
  });
  expect([...pinnedContents.keys()].every((index) => index < expected.attachments.length)).toBe(
    true,
  );
}

describe('real-world corpus through parseMessage', () => {
  it.each(MESSAGES)('%s', async (message) => {
    const started = performance.now();
    // Every message here is meant to open: none is listed as broken beyond use.
    const parsed = await parseMessage(readCorpusBytes(message));
    expect(performance.now() - started).toBeLessThan(PARSE_BUDGET_MS);
    tally.parsed++;

    const expected = loadExpected(message);
    const known = KNOWN_DIFFERENCES[message];

    expect(parsed.subject, expected.oracle).toBe(expected.subject);
    tally.subject.oracle++;

    if (known?.from) {
      expect(parsed.from, known.from.reason).toEqual(known.from.value);
      expect(parsed.from, `${message}: known sender difference no longer differs`).not.toEqual(
        expected.from,
      );
      tally.from.pinned++;
    } else {
      expect(parsed.from, expected.oracle).toEqual(expected.from);
      tally.from.oracle++;
    }

    checkText(parsed, expected, message, known);
    checkAttachments(parsed, expected, message, known);
  });

  it('compared all 130 messages, each against its oracle', () => {
    const perFolder = (prefix: string): number =>
      MESSAGES.filter((name) => name.startsWith(prefix)).length;
    expect(MESSAGES).toHaveLength(130);
    expect(perFolder('stalwart-mail-parser/rfc/')).toBe(10);
    expect(perFolder('stalwart-mail-parser/thirdparty/')).toBe(19);
    expect(perFolder('stalwart-mail-parser/malformed/')).toBe(23);
    expect(perFolder('mime4j/testmsgs/')).toBe(32);
    expect(perFolder('mime4j/mimetools-testmsgs/')).toBe(46);
    for (const name of Object.keys(KNOWN_DIFFERENCES)) expect(MESSAGES).toContain(name);

    expect(tally).toEqual({
      parsed: 130,
      subject: { oracle: 130, pinned: 0 },
      from: { oracle: 128, pinned: 2 },
      text: { oracle: 108, pinned: 22 },
      attachmentLists: { oracle: 117, pinned: 13 },
      attachmentContents: { oracle: 71, pinned: 4, absent: 1 },
    });
  });
});
