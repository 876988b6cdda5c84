// One browser session over the reader harness for the e2e reader tests: Chromium,
// the built harness, a request recorder standing for the internet, and observers
// for everything that would betray a script running (console, dialogs, markers).
import { mkdtempSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Frame, Page } from 'playwright-core';
import {
  launchChromium,
  pointAtRecorder,
  startRequestRecorder,
  type RequestRecorder,
} from '../../support/browser.ts';
import { startReaderHarness, type Harness } from '../../support/reader-harness/build.ts';
import type { RenderReport } from '../../support/reader-harness/api.ts';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/mail', import.meta.url));

/** Where screenshots go: a temp dir, never the repository. */
export const SCREENSHOTS = mkdtempSync(join(tmpdir(), 'reader-e2e-shots-'));

/** A console message with where it came from. */
export interface SeenMessage {
  url: string;
  text: string;
}

// Chromium checks CSP while DOMParser builds DOMPurify's inert document: an on*
// attribute or a <base href> in the mail logs a violation *from the app page*,
// although nothing is compiled or fetched there. These two, and only from the
// page itself, are expected noise; anything else fails the test.
const PARSE_TIME_CSP_NOISE = [
  /^Executing inline event handler violates the following Content Security Policy/,
  /^Setting the document's base URI to '.*' violates the following Content Security Policy/,
];

export class ReaderSession {
  readonly console: SeenMessage[] = [];
  readonly dialogs: string[] = [];
  readonly pageErrors: string[] = [];

  private constructor(
    readonly browser: Browser,
    readonly page: Page,
    readonly harness: Harness,
    readonly remote: RequestRecorder,
  ) {
    page.on('console', (message) =>
      this.console.push({ url: message.location().url, text: message.text() }),
    );
    page.on('pageerror', (error) => this.pageErrors.push(error.message));
    page.on('dialog', (dialog) => {
      this.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  }

  /** Builds the harness, starts the recorder and opens the page (`?csp=0` drops the app CSP). */
  static async start(query = ''): Promise<ReaderSession> {
    const [harness, remote, browser] = await Promise.all([
      startReaderHarness(),
      startRequestRecorder(),
      launchChromium(),
    ]);
    const context = await browser.newContext({
      acceptDownloads: true,
      // The recorder's https side is self-signed.
      ignoreHTTPSErrors: true,
      viewport: { width: 1100, height: 800 },
    });
    const page = await context.newPage();
    await page.goto(`${harness.url}${query}`);
    return new ReaderSession(browser, page, harness, remote);
  }

  async close(): Promise<void> {
    await this.browser.close();
    await Promise.all([this.remote.close(), this.harness.dispose()]);
  }

  /** A fixture's bytes with its remote URLs pointed at our recorder (over https). */
  fixture(path: string): Buffer {
    const raw = readFileSync(join(FIXTURES, path)).toString('latin1');
    return Buffer.from(pointAtRecorder(raw, this.remote.port), 'latin1');
  }

  resetObservations(): void {
    this.console.splice(0);
    this.dialogs.splice(0);
    this.pageErrors.splice(0);
    this.remote.clear();
  }

  /** Parses and renders raw bytes through the worker and MessageContent. */
  render(raw: Uint8Array, limits?: Record<string, number>): Promise<RenderReport> {
    return this.page.evaluate(([b64, l]) => window.harness.render(b64, l), [
      Buffer.from(raw).toString('base64'),
      limits,
    ] as const);
  }

  /** The message frame (the srcdoc child), when one is on screen. */
  messageFrame(): Frame | undefined {
    return this.page.frames().find((frame) => frame.parentFrame() === this.page.mainFrame());
  }

  /** Clicks the link with this accessible name and returns the file the browser saved. */
  async download(name: string): Promise<{ name: string; bytes: Buffer }> {
    const [event] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByRole('link', { name, exact: true }).click(),
    ]);
    return { name: event.suggestedFilename(), bytes: await readFile(await event.path()) };
  }

  /** Lets late subresource requests and console messages arrive. */
  settle(ms = 250): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Clicks "Show remote content" and waits for the re-rendered frame to load. */
  async showRemote(): Promise<void> {
    const before = await this.page.evaluate(() => window.harness.frameLoads());
    await this.page.getByRole('button', { name: 'Show remote content' }).click();
    await this.page.waitForFunction((n) => window.harness.frameLoads() > n, before);
    await this.settle(400);
  }

  /** Console messages other than the known parse-time CSP noise from the app page. */
  unexpectedConsole(): SeenMessage[] {
    return this.console.filter(
      (message) =>
        message.url === 'about:srcdoc' ||
        message.url === '' ||
        !PARSE_TIME_CSP_NOISE.some((pattern) => pattern.test(message.text)),
    );
  }

  /** What a script in the frame or the page would have left behind. */
  async markers(): Promise<{ top: unknown; frame: unknown }> {
    const top = await this.page.evaluate(() => window.__pwned);
    const frame = await this.messageFrame()?.evaluate(
      () => (window as { __pwned?: unknown }).__pwned,
    );
    return { top, frame };
  }
}
