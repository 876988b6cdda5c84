// The hostile-mail corpus in headless Firefox ESR over WebDriver BiDi (docs/security.md #54):
// Gecko's parser, not Blink's, must also see nothing scripted, remote or forbidden.
import { BidiBrowser, type BidiEvent } from '../../support/bidi.ts';
import { startRequestRecorder, type RequestRecorder } from '../../support/browser.ts';
import { startReaderHarness, type Harness } from '../../support/reader-harness/build.ts';
import { describeHostileCorpus, type ReaderDriver } from './cross-browser.ts';

/** Firefox on the reader harness; BiDi events are kept for the suite's asserts. */
class FirefoxReader implements ReaderDriver {
  private readonly seenRequests: string[] = [];
  private readonly seenLogs: string[] = [];
  private readonly seenPrompts: string[] = [];
  private readonly seenDownloads: string[] = [];
  /** Contexts outside the harness tab (a tab Firefox opened itself), and their frames. */
  private readonly elsewhere = new Set<string>();

  private constructor(
    private readonly browser: BidiBrowser,
    private readonly top: string,
    readonly harness: Harness,
    readonly remote: RequestRecorder,
  ) {
    browser.on((event: BidiEvent) => {
      const p = event.params as {
        context?: string | null;
        parent?: string | null;
        source?: { context?: string };
        request?: { url: string };
        type?: string;
        level?: string;
        text?: string;
        message?: string;
        status?: string;
        filepath?: string;
      };
      // The harness tab reports here (page, workers, message frame); other tabs do not count.
      const context = p.context ?? p.source?.context;
      if (context && this.elsewhere.has(context)) return;
      switch (event.method) {
        case 'browsingContext.contextCreated':
          if (p.parent ? this.elsewhere.has(p.parent) : p.context !== top)
            this.elsewhere.add(p.context ?? '');
          break;
        case 'network.beforeRequestSent':
          this.seenRequests.push(p.request?.url ?? '');
          break;
        case 'log.entryAdded':
          this.seenLogs.push(`${p.type}/${p.level}: ${p.text}`);
          break;
        case 'browsingContext.userPromptOpened':
          this.seenPrompts.push(`${p.type}: ${p.message}`);
          break;
        case 'browsingContext.downloadEnd':
          if (p.status === 'complete') this.seenDownloads.push(p.filepath ?? '');
          break;
      }
    });
  }

  get browserName(): string {
    return this.browser.capabilities.browserName ?? '';
  }

  static async start(): Promise<FirefoxReader> {
    const [harness, remote, browser] = await Promise.all([
      startReaderHarness(),
      startRequestRecorder(),
      BidiBrowser.launch({ acceptInsecureCerts: true }),
    ]);
    await browser.subscribe([
      'network.beforeRequestSent',
      'log.entryAdded',
      'browsingContext.userPromptOpened',
      'browsingContext.downloadEnd',
      'browsingContext.contextCreated',
    ]);
    const top = await browser.topContext();
    await browser.send('browsingContext.setViewport', {
      context: top,
      viewport: { width: 1100, height: 800 },
    });
    await browser.navigate(top, harness.url);
    return new FirefoxReader(browser, top, harness, remote);
  }

  async close(): Promise<void> {
    await this.browser.close();
    await Promise.all([this.remote.close(), this.harness.dispose()]);
  }

  evaluate<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>, ...args: A): Promise<R> {
    return this.browser.evaluate({ context: this.top }, fn, ...args);
  }

  async evaluateInFrame<A extends unknown[], R>(
    fn: (...args: A) => R | Promise<R>,
    ...args: A
  ): Promise<R | null> {
    const frame = (await this.browser.children(this.top)).find((c) => c.url === 'about:srcdoc');
    // The frame's page realm, not a sandbox: a payload's expandos live there.
    return frame ? this.browser.evaluate({ context: frame.context }, fn, ...args) : null;
  }

  navigate(url: string): Promise<void> {
    return this.browser.navigate(this.top, url);
  }

  async pageUrl(): Promise<string> {
    const { contexts } = await this.browser.send<{ contexts: { url: string }[] }>(
      'browsingContext.getTree',
      { root: this.top, maxDepth: 0 },
    );
    return contexts[0]?.url ?? '';
  }

  resetObservations(): void {
    for (const list of [this.seenRequests, this.seenLogs, this.seenPrompts, this.seenDownloads])
      list.splice(0);
    this.remote.clear();
  }

  requests(): string[] {
    return this.seenRequests.slice();
  }

  logs(): string[] {
    return this.seenLogs.slice();
  }

  prompts(): Promise<string[]> {
    return Promise.resolve(this.seenPrompts.slice());
  }

  private async others(): Promise<{ context: string; url: string }[]> {
    const tree = await this.browser.send<{ contexts: { context: string; url: string }[] }>(
      'browsingContext.getTree',
      { maxDepth: 0 },
    );
    return tree.contexts.filter((c) => c.context !== this.top);
  }

  async otherWindows(): Promise<string[]> {
    return (await this.others()).map((c) => c.url);
  }

  async closeOtherWindows(): Promise<void> {
    for (const { context } of await this.others())
      await this.browser.send('browsingContext.close', { context });
  }

  /** Saved into the throwaway profile (bidi.ts sets the download directory there). */
  downloads(): Promise<string[]> {
    return Promise.resolve(this.seenDownloads.map((path) => path.split('/').pop() ?? ''));
  }
}

describeHostileCorpus('Firefox', 'firefox', () => FirefoxReader.start());
