// The hostile-corpus suite every browser engine must pass (docs/security.md #54), written
// against a small driver so Firefox (BiDi) and WebKit (WebDriver) run the same asserts.
// Browser-independent invariants only; serialization details stay with the Chromium run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointAtRecorder, type RequestRecorder } from '../../support/browser.ts';
import type { Harness } from '../../support/reader-harness/build.ts';
import {
  assertRemoteLoads,
  assertRemoteOffer,
  assertReport,
  FILES,
  FORBIDDEN_IN_FRAME,
  HOSTILE,
} from './corpus-checks.ts';
import { EXPECTATIONS } from './expectations.ts';

/** What the engine built in the live message frame. */
export interface LiveFrame {
  forbidden: number;
  handlers: number;
  /** The frame's own `window.__pwned`, or null. */
  pwned: unknown;
  text: string;
}

/**
 * One browser on the reader harness, as the suite needs it. The recorder's https side
 * is self-signed, so the browser must accept insecure certificates.
 */
export interface ReaderDriver {
  /** The browser name its driver reported when the session started. */
  readonly browserName: string;
  readonly harness: Harness;
  readonly remote: RequestRecorder;
  /** Runs `fn(...args)` in the harness page; `fn` is sent as source (no closures). */
  evaluate<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>, ...args: A): Promise<R>;
  /** Runs `fn(...args)` in the message frame's own realm (null when there is no frame). */
  evaluateInFrame<A extends unknown[], R>(
    fn: (...args: A) => R | Promise<R>,
    ...args: A
  ): Promise<R | null>;
  navigate(url: string): Promise<void>;
  pageUrl(): Promise<string>;
  /** Clears everything observed so far (the recorder included). */
  resetObservations(): void;
  /**
   * Request URLs the browser reported for the tab, or null when the protocol cannot
   * see them (WebDriver classic); the recorder is the authority either way.
   */
  requests(): string[] | null;
  /** Console calls and uncaught errors the browser reported, or null (not observable). */
  logs(): string[] | null;
  /** Dialogs opened so far. */
  prompts(): Promise<string[]>;
  /** URLs of top-level windows (tabs) other than the harness page's. */
  otherWindows(): Promise<string[]>;
  closeOtherWindows(): Promise<void>;
  /** Downloads finished since the last reset (file names as the browser saved them). */
  downloads(): Promise<string[]>;
  close(): Promise<void>;
}

/** Lets late subresource requests and log entries arrive. */
function settle(ms = 250): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function liveFrame(driver: ReaderDriver): Promise<LiveFrame | null> {
  return driver.evaluateInFrame((selector) => {
    const all = Array.from(document.querySelectorAll('*'));
    return {
      forbidden: document.body.querySelectorAll(selector).length,
      handlers: all.filter((el) => el.getAttributeNames().some((n) => n.startsWith('on'))).length,
      pwned: (window as { __pwned?: unknown }).__pwned ?? null,
      text: document.body.innerText,
    };
  }, FORBIDDEN_IN_FRAME);
}

/** What a script in the page or the frame would have left behind (null: nothing). */
async function markers(driver: ReaderDriver): Promise<{ top: unknown; frame: unknown }> {
  const read = (): unknown => (window as { __pwned?: unknown }).__pwned ?? null;
  return { top: await driver.evaluate(read), frame: await driver.evaluateInFrame(read) };
}

/** A fixture's bytes, base64, with its remote URLs pointed at the recorder (over https). */
function fixture(driver: ReaderDriver, file: string): string {
  const raw = readFileSync(join(HOSTILE, file)).toString('latin1');
  return Buffer.from(pointAtRecorder(raw, driver.remote.port), 'latin1').toString('base64');
}

/** Clicks "Show remote content" and waits for the re-rendered frame to load. */
async function showRemote(driver: ReaderDriver): Promise<void> {
  const before = await driver.evaluate(() => {
    const loads = window.harness.frameLoads();
    const button = Array.from(document.querySelectorAll('button')).find(
      (b) => b.textContent === 'Show remote content',
    );
    button?.click();
    return button ? loads : -1;
  });
  expect(before, 'the Show remote content button').toBeGreaterThanOrEqual(0);
  await driver.evaluate(
    (loads) =>
      new Promise<boolean>((resolve, reject) => {
        const deadline = Date.now() + 10_000;
        const poll = (): void => {
          if (window.harness.frameLoads() > loads) resolve(true);
          else if (Date.now() > deadline) reject(new Error('the frame did not reload'));
          else setTimeout(poll, 25);
        };
        poll();
      }),
    before,
  );
  await settle(400);
}

/**
 * Registers the hostile-corpus suite for one engine. `start` opens the harness page;
 * `browserName` is what its driver must report, so a fallback browser cannot pass for it.
 */
export function describeHostileCorpus(
  engine: string,
  browserName: string,
  start: () => Promise<ReaderDriver>,
): void {
  let driver: ReaderDriver;

  beforeAll(async () => {
    driver = await start();
  }, 120_000);

  afterAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
    await driver?.close();
  });

  describe(`hostile corpus in ${engine}`, () => {
    it(`runs in ${engine}, with an expectation for every fixture`, () => {
      expect(driver.browserName).toBe(browserName);
      expect(FILES.length).toBeGreaterThanOrEqual(25);
      expect(FILES.filter((file) => !EXPECTATIONS[file])).toEqual([]);
    });

    it('sees a script, a handler and a request when one gets through (control)', async () => {
      // Without the app CSP and with scripts allowed, a raw frame must trip every probe
      // the corpus relies on; otherwise a silent probe would pass the corpus vacuously.
      driver.resetObservations();
      await driver.navigate(`${driver.harness.url}?csp=0`);
      try {
        const pixel = `http://127.0.0.1:${driver.remote.port}/control`;
        await driver.evaluate(
          (srcdoc) => window.harness.renderRawFrame(srcdoc, 'allow-scripts'),
          `<p>LEGIBLE</p><svg onload="void 0"></svg><img src="${pixel}">` +
            `<script>window.__pwned = 1; console.log('ran')</script>`,
        );
        await settle(400);
        const live = await liveFrame(driver);
        expect(live?.forbidden).toBeGreaterThanOrEqual(2);
        expect(live?.handlers).toBeGreaterThanOrEqual(1);
        expect(await markers(driver)).toEqual({ top: null, frame: 1 });
        expect(driver.remote.requests.map((r) => r.path)).toEqual(['/control']);
        // Only where the protocol reports them (BiDi); WebDriver classic cannot.
        const [logs, requests] = [driver.logs(), driver.requests()];
        if (logs) expect(logs).toContain('console/info: ran');
        if (requests) expect(requests).toContain(pixel);
      } finally {
        await driver.navigate(driver.harness.url);
      }
    });

    it.each(FILES)(
      '%s renders safely, loads nothing, and only images after opt-in',
      async (file) => {
        const expected = EXPECTATIONS[file];
        if (!expected) throw new Error(`no expectations for ${file}`);
        driver.resetObservations();
        const report = await driver.evaluate(
          (b64) => window.harness.render(b64),
          fixture(driver, file),
        );
        await settle();
        assertReport(report, expected);

        if (expected.kind === 'html') {
          // The live frame as this engine built it from srcdoc.
          const live = await liveFrame(driver);
          expect(live).toMatchObject({ forbidden: 0, handlers: 0, pwned: null });
          expect(live?.text).toContain('LEGIBLE');
        }
        const blobs = await driver.evaluate(() => window.harness.blobs());
        expect(blobs.filter((b) => b.type !== 'application/octet-stream')).toEqual([]);

        // Nothing ran and nothing left the page before opt-in (docs/security.md #42, #46).
        await expectNothingHappened(driver);
        expect(driver.remote.requests.map((r) => r.path)).toEqual([]);
        const origin = `${driver.harness.origin}/`;
        const foreign = (url: string): boolean =>
          !url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:');
        expect((driver.requests() ?? []).filter(foreign)).toEqual([]);
        expect(await driver.pageUrl()).toBe(driver.harness.url);

        if (report.attachments.length) await openAttachments(driver, report.attachments.length);

        // Remote content: exactly the expected images, only after the click (docs/security.md #46).
        assertRemoteOffer(report, expected, driver.remote.port);
        if (expected.remote?.length) {
          await showRemote(driver);
          assertRemoteLoads(driver.remote.requests, expected);
          await expectNothingHappened(driver);
        }
      },
    );
  });
}

/**
 * Clicks every attachment link as a reader would (docs/security.md #49), one at a time: each
 * must end as a saved download, with no navigation, nothing run, and no window showing
 * it from the app origin, a blob: or a data: URL. A browser may open its own saved copy
 * (Firefox shows a downloaded .pdf from file: in PDF.js); that is outside the app.
 */
async function openAttachments(driver: ReaderDriver, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const clicked = await driver.evaluate((index) => {
      const link = document.querySelectorAll<HTMLElement>('ul.attachments a')[index];
      link?.click();
      return link !== undefined;
    }, i);
    expect(clicked).toBe(true);
    const deadline = Date.now() + 10_000;
    while ((await driver.downloads()).length <= i && Date.now() < deadline) await settle(50);
  }
  expect(await driver.downloads()).toHaveLength(count);
  await settle();
  // A window the browser opens for a saved file shows about:blank until file: has loaded.
  const loaded = Date.now() + 10_000;
  while ((await driver.otherWindows()).includes('about:blank') && Date.now() < loaded) {
    await settle(50);
  }
  try {
    for (const url of await driver.otherWindows()) expect(url).toMatch(/^file:/);
  } finally {
    await driver.closeOtherWindows();
  }
  expect(await driver.pageUrl()).toBe(driver.harness.url);
  await expectNothingHappened(driver);
}

async function expectNothingHappened(driver: ReaderDriver): Promise<void> {
  expect(await markers(driver)).toEqual({ top: null, frame: null });
  expect(await driver.prompts()).toEqual([]);
  expect(driver.logs() ?? []).toEqual([]);
}
