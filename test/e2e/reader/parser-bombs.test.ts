// Payload class 20 at full size (test/fixtures/mail/hostile/bombs.ts) through the real
// reader in headless Chromium: each bomb renders or ends in a typed, plain-words limit
// error (docs/security.md #41), and the page keeps answering while the worker parses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderReport } from '../../support/reader-harness/api.ts';
import {
  breadthParts,
  deepMultipart,
  deepHtml,
  deepRfc822,
  headerFlood,
  nestedGroups,
  oneLineHtml,
  type Bomb,
} from '../../fixtures/mail/hostile/bombs.ts';
import { ReaderSession } from './session.ts';

/** What the reader may show for a bomb: the message, or one of these limit errors. */
/** 'capped': shown, but only as the reader's too-large notice and the text body. */
type Outcome = 'render' | 'capped' | 'MIME_TOO_LARGE' | 'MIME_TIMEOUT' | 'MIME_PARSE_FAILED';

interface Case {
  name: string;
  /** Built inside the test: some are 10 MiB. */
  bomb: () => Bomb;
  /** Accepted outcomes; more than one where it depends on the machine's speed. */
  outcomes: Outcome[];
  /** Words the limit message must contain, when the outcome is an error. */
  detail?: RegExp;
  /** Parsing is long enough that the page must have answered during it. */
  isSlowToParse: boolean;
}

const CASES: Case[] = [
  {
    name: '2.5 MiB of headers',
    bomb: () => headerFlood(),
    outcomes: ['MIME_PARSE_FAILED'],
    detail: /header size of \d+ bytes exceeded/,
    isSlowToParse: true,
  },
  {
    // Past the reader's HTML cap: not sanitized on the page's thread, and said so.
    name: '10 MiB one-line HTML',
    bomb: () => oneLineHtml(),
    outcomes: ['capped'],
    isSlowToParse: true,
  },
  // postal-mime has no breadth limit: 100k parts either parse in time or hit the
  // worker's time limit, depending on the machine.
  {
    name: '100k tiny text parts',
    bomb: () => breadthParts(),
    outcomes: ['render', 'MIME_TIMEOUT'],
    isSlowToParse: true,
  },
  {
    name: '20k tiny attachments',
    bomb: () => breadthParts(20_000, 'attachment'),
    outcomes: ['render', 'MIME_TIMEOUT'],
    isSlowToParse: true,
  },
  {
    name: '300-deep multipart',
    bomb: () => deepMultipart(),
    outcomes: ['MIME_PARSE_FAILED'],
    detail: /nesting depth of 100 levels exceeded/,
    isSlowToParse: true,
  },
  {
    name: '3,000 nested address groups',
    bomb: () => nestedGroups(),
    outcomes: ['render'],
    isSlowToParse: true,
  },
  // Parsed quickly; the depth is for the sanitizer, the link check and the frame.
  { name: '10,000-deep HTML', bomb: () => deepHtml(), outcomes: ['render'], isSlowToParse: false },
  {
    name: '20-deep message/rfc822',
    bomb: () => deepRfc822(),
    outcomes: ['render'],
    isSlowToParse: false,
  },
];

// The sentence each code starts with (message-types.ts mimeError): plain words a
// reader can be shown, never a stack trace.
const PLAIN_WORDS: Record<Exclude<Outcome, 'render' | 'capped'>, string> = {
  MIME_TOO_LARGE: 'The message is too large to display.',
  MIME_TIMEOUT: 'The message took too long to read and was skipped.',
  MIME_PARSE_FAILED: 'The message could not be read.',
};

let session: ReaderSession;

beforeAll(async () => {
  session = await ReaderSession.start();
});

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await session?.close();
});

/**
 * Renders `raw` while asking the page, over and over, which phase it is in. Every
 * question must be answered; the answers show whether one came during the parse.
 */
async function renderWhilePinging(
  raw: Buffer,
): Promise<{ report: RenderReport; answers: string[]; elapsedMs: number }> {
  let isDone = false;
  const started = performance.now();
  const rendering = session.render(raw).finally(() => {
    isDone = true;
  });
  const answers: string[] = [];
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by the finally() callback while evaluate() is awaited
  while (!isDone) answers.push(await session.page.evaluate(() => window.harness.phase()));
  return { report: await rendering, answers, elapsedMs: performance.now() - started };
}

/** A render this long has had many pings land inside its parse, if the page answers. */
const LONG_ENOUGH_MS = 300;

describe('parser bombs (payload class 20, docs/security.md #41)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s: renders or stops at a typed limit, and the page answers meanwhile',
    async (_name, { bomb, outcomes, detail, isSlowToParse }) => {
      session.resetObservations();
      const { report, answers, elapsedMs } = await renderWhilePinging(bomb().raw);

      expect(answers.length).toBeGreaterThan(0);
      for (const answer of answers) expect(['idle', 'parsing', 'rendering']).toContain(answer);
      // A bomb that happens to parse fast on this run leaves nothing to answer during.
      if (isSlowToParse && elapsedMs > LONG_ENOUGH_MS) expect(answers).toContain('parsing');
      // Every phase ends: nothing is left running once the render call returned.
      expect(await session.page.evaluate(() => window.harness.phase())).toBe('idle');

      if (report.error) {
        const code = report.error.code as Outcome;
        expect(outcomes).toContain(code);
        expect(code).not.toBe('render');
        const sentence = PLAIN_WORDS[code as Exclude<Outcome, 'render' | 'capped'>];
        expect(report.error.message.startsWith(sentence)).toBe(true);
        expect(report.error.message).not.toMatch(/\n|\bat \S+:\d+|Error:/);
        if (detail) expect(report.error.message).toMatch(detail);
        expect(report.kind).toBe('none');
      } else if (outcomes.includes('capped')) {
        expect(report.kind).toBe('text');
        const note = await session.page.evaluate(
          () => document.querySelector('[role="note"]')?.textContent ?? '',
        );
        expect(note).toMatch(/too large to show here in full/);
      } else {
        expect(outcomes).toContain('render');
        expect(report.subject).toMatch(/^Class 20: /);
        if (report.kind === 'html') {
          const frame = session.messageFrame();
          if (!frame) throw new Error('message frame not found');
          const visible = await frame.evaluate(() => ({
            legible: document.body.innerText.includes('LEGIBLE'),
            pwned: (window as { __pwned?: unknown }).__pwned,
          }));
          expect(visible).toEqual({ legible: true, pwned: undefined });
        } else {
          expect(report.kind).toBe('text');
          expect(report.plainText).toContain('LEGIBLE');
        }
      }

      expect(await session.markers()).toEqual({ top: undefined, frame: undefined });
      expect(session.pageErrors).toEqual([]);
      expect(session.dialogs).toEqual([]);
      expect(session.remote.requests).toEqual([]);
    },
    240_000,
  );

  it('offers a message/rfc822 past depth 5 as a download, not parsed further', async () => {
    const { report } = await renderWhilePinging(deepRfc822(20).raw);
    expect(report.error).toBeNull();
    expect(report.attachments.map((a) => a.download)).toEqual(['message.eml']);
    expect(report.attachments[0]?.type).toBe('application/octet-stream');
  }, 60_000);

  it('reads an ordinary message right after the bombs, in a fresh worker if needed', async () => {
    const report = await session.render(session.fixture('samples/chinese-utf8.eml'));
    expect(report.error).toBeNull();
    expect(report.kind).toBe('html');
  }, 60_000);
});
