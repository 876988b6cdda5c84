// The pop3 command's list logic without a server: summaries decoded by the
// shared header rule, newest first, and output written in batches.

import { describe, expect, it } from 'vitest';
import { printList, summarize, type MessageSummary } from '../../../server/cli/commands.ts';
import type { Pop3Session } from '../../../shared/pop3/session.ts';
import {
  CHARSET_CASES,
  fixtureSource,
  readCharsetFixture,
} from '../../support/charset-fixtures.ts';

/** Just what summarize() asks of a session: TOP n 0, and TOP n k where listing needs it. */
function fakeSession(blocks: Uint8Array[]): Pop3Session {
  const fake = {
    capabilities: () => Promise.resolve({ hasUidl: true }),
    list: () => Promise.resolve(blocks.map((block, i) => ({ msg: i + 1, size: block.length }))),
    uidl: () => Promise.resolve(blocks.map((_, i) => ({ msg: i + 1, uidl: `u${i + 1}` }))),
    ...fixtureSource(blocks),
  };
  return fake as unknown as Pop3Session;
}

describe('summarize', () => {
  it('decodes every header block by the shared rule, newest first', async () => {
    const blocks = CHARSET_CASES.map((fixture) => readCharsetFixture(fixture.file));
    const rows = await summarize(fakeSession(blocks));
    expect(rows.map((row) => [row.number, row.uidl, row.subject, row.from])).toEqual(
      CHARSET_CASES.map((fixture, i) => [
        i + 1,
        `u${i + 1}`,
        fixture.subject,
        `${fixture.fromName} <${fixture.fromAddress}>`,
      ]).reverse(),
    );
    expect(rows.at(-1)?.date).toBe('2026-11-03T02:00:00.000Z');
  });

  it('keeps only the newest `limit` messages', async () => {
    const blocks = CHARSET_CASES.map((fixture) => readCharsetFixture(fixture.file));
    const rows = await summarize(fakeSession(blocks), 2);
    expect(rows.map((row) => row.number)).toEqual([blocks.length, blocks.length - 1]);
  });
});

describe('printList', () => {
  it('writes 2,500 lines in three writes, the same lines as one by one', () => {
    const summaries: MessageSummary[] = Array.from({ length: 2500 }, (_, i) => ({
      number: i + 1,
      uidl: `u${i}`,
      size: 100,
      date: null,
      from: 'a@example.org',
      subject: `s${i}`,
    }));
    const writes: string[] = [];
    printList({ write: (text) => writes.push(text) }, summaries, true);
    expect(writes).toHaveLength(3);
    expect(writes.join('')).toBe(summaries.map((s) => `${JSON.stringify(s)}\n`).join(''));
  });

  it('writes nothing for an empty mailbox', () => {
    const writes: string[] = [];
    printList({ write: (text) => writes.push(text) }, [], false);
    expect(writes).toEqual([]);
  });
});
