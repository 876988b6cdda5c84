// Real-browser test support beyond Chromium: headless Firefox ESR (Debian's package)
// driven over WebDriver BiDi with the `ws` client. Knows the protocol, not the app.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';

/** Firefox ESR as CI installs it (scripts/test-deps.sh); overridable for local runs. */
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

// The remote agent already applies its recommended prefs; these close the rest of the
// background traffic (updates, telemetry, safe browsing, captive portal, prefetch) so
// that every request a test sees comes from the page under test.
const PREFS: Record<string, boolean | number | string> = {
  'app.update.disabledForTesting': true,
  'app.update.auto': false,
  'app.normandy.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.aboutwelcome.enabled': false,
  'browser.newtabpage.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.http.speculative-parallel-limit': 0,
  'services.settings.server': 'http://127.0.0.1:9/',
};

const LISTENING = /WebDriver BiDi listening on (ws:\/\/\S+)/;

/** A BiDi error reply (`error` is the spec's error code, e.g. "no such frame"). */
export class BidiError extends Error {
  constructor(
    readonly method: string,
    readonly error: string,
    message: string,
  ) {
    super(`${method}: ${error}: ${message}`);
    this.name = 'BidiError';
  }
}

/** A BiDi event as it arrives: `method` names it, `params` is its payload. */
export interface BidiEvent {
  method: string;
  params: Record<string, unknown>;
}

/** The subset of `script.RemoteValue` tests read back (results are JSON strings). */
interface RemoteValue {
  type: string;
  value?: unknown;
}

type EvaluateResult =
  | { type: 'success'; result: RemoteValue }
  | { type: 'exception'; exceptionDetails: { text: string } };

/** Where a script runs: a browsing context's page realm, or a named isolated sandbox. */
export interface ScriptTarget {
  context: string;
  sandbox?: string;
}

/** One Firefox process with one BiDi session. */
export class BidiBrowser {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { method: string; resolve(v: unknown): void; reject(e: Error): void }
  >();
  private readonly listeners = new Set<(event: BidiEvent) => void>();
  /** What session.new reported, e.g. `{ browserName: 'firefox', browserVersion: '153.7.0' }`. */
  capabilities: { browserName?: string; browserVersion?: string } = {};

  private constructor(
    private readonly ws: WebSocket,
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as {
        id?: number;
        type: 'success' | 'error' | 'event';
        method?: string;
        params?: Record<string, unknown>;
        result?: unknown;
        error?: string;
        message?: string;
      };
      if (message.type === 'event') {
        const event = { method: message.method ?? '', params: message.params ?? {} };
        for (const listener of this.listeners) listener(event);
        return;
      }
      const waiter = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!waiter || message.id === undefined) return;
      this.pending.delete(message.id);
      if (message.type === 'success') waiter.resolve(message.result);
      else waiter.reject(new BidiError(waiter.method, message.error ?? '', message.message ?? ''));
    });
    ws.on('close', () => {
      for (const waiter of this.pending.values())
        waiter.reject(new BidiError(waiter.method, 'closed', 'the BiDi connection closed'));
      this.pending.clear();
    });
    ws.on('error', () => {});
  }

  /** The browser's process id (the only process `close()` ever signals). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Starts headless Firefox with a fresh profile, connects, and opens a session.
   * The port is chosen by Firefox (port 0) and read from its stderr, so no race.
   * `acceptInsecureCerts` lets the session load from self-signed test servers.
   */
  static async launch(options: { acceptInsecureCerts?: boolean } = {}): Promise<BidiBrowser> {
    const profile = await mkdtemp(join(tmpdir(), 'bidi-firefox-'));
    // Downloads (a clicked attachment) land in the profile, which close() removes.
    const downloads = { 'browser.download.folderList': 2, 'browser.download.dir': profile };
    const prefs = Object.entries({ ...PREFS, ...downloads })
      .map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`)
      .join('\n');
    await writeFile(join(profile, 'user.js'), `${prefs}\n`);
    const child = spawn(
      FIREFOX_PATH,
      ['--headless', '--no-remote', '--remote-debugging-port=0', '--profile', profile],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1', MOZ_HEADLESS: '1' },
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let seen = '';
        const timer = setTimeout(
          () => reject(new Error(`Firefox did not open BiDi within 60 s: ${seen.slice(-500)}`)),
          60_000,
        );
        child.stderr.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          const match = LISTENING.exec(seen);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
        child.once('error', reject);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`Firefox exited (${code}) before BiDi opened: ${seen.slice(-500)}`));
        });
      });
      // Keep draining stderr so a chatty browser never blocks on a full pipe.
      child.stderr.resume();
      const ws = new WebSocket(`${url}/session`);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      const browser = new BidiBrowser(ws, child, profile);
      const session = await browser.send<{ capabilities: BidiBrowser['capabilities'] }>(
        'session.new',
        {
          capabilities: {
            alwaysMatch: {
              acceptInsecureCerts: options.acceptInsecureCerts ?? false,
              unhandledPromptBehavior: { default: 'dismiss' },
            },
          },
        },
      );
      browser.capabilities = session.capabilities;
      return browser;
    } catch (error) {
      await stopProcess(child, 0);
      await rm(profile, { recursive: true, force: true });
      throw error;
    }
  }

  /** Sends one command and resolves with its result (rejects with BidiError). */
  send<T = Record<string, unknown>>(method: string, params: object = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { method, resolve: (v) => resolve(v as T), reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Listens to every event; returns the unsubscribe function. */
  on(listener: (event: BidiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks the browser to emit these events (module or event names). */
  async subscribe(events: string[]): Promise<void> {
    await this.send('session.subscribe', { events });
  }

  /** The first top-level browsing context (the window Firefox opened). */
  async topContext(): Promise<string> {
    const { contexts } = await this.send<{ contexts: { context: string }[] }>(
      'browsingContext.getTree',
      { maxDepth: 0 },
    );
    const top = contexts[0];
    if (!top) throw new Error('Firefox has no browsing context');
    return top.context;
  }

  /** Child browsing contexts (frames) of `context`, with their URLs. */
  async children(context: string): Promise<{ context: string; url: string }[]> {
    const { contexts } = await this.send<{
      contexts: { context: string; url: string; children: { context: string; url: string }[] }[];
    }>('browsingContext.getTree', { root: context, maxDepth: 1 });
    return (contexts[0]?.children ?? []).map(({ context: id, url }) => ({ context: id, url }));
  }

  /** Navigates and waits for the load event. */
  async navigate(context: string, url: string): Promise<void> {
    await this.send('browsingContext.navigate', { context, url, wait: 'complete' });
  }

  /**
   * Runs `fn(...args)` in the target realm, awaits it, and returns its value through
   * JSON (so only JSON-safe values survive; `undefined` comes back as `undefined`).
   * Like Playwright's evaluate, `fn` is sent as source and must not close over anything.
   */
  async evaluate<A extends unknown[], R>(
    target: ScriptTarget,
    fn: (...args: A) => R | Promise<R>,
    ...args: A
  ): Promise<R> {
    const source = `async (json) => {
      const value = await (${fn.toString()})(...JSON.parse(json));
      return value === undefined ? undefined : JSON.stringify(value);
    }`;
    const reply = await this.send<EvaluateResult>('script.callFunction', {
      functionDeclaration: source,
      arguments: [{ type: 'string', value: JSON.stringify(args) }],
      target,
      awaitPromise: true,
      resultOwnership: 'none',
    });
    if (reply.type === 'exception') throw new Error(`evaluate: ${reply.exceptionDetails.text}`);
    const { result } = reply;
    if (result.type === 'undefined') return undefined as R;
    return JSON.parse(String(result.value)) as R;
  }

  /** Ends the session, closes the browser, and removes the profile. Idempotent. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) {
      // browser.close ends the process; a reply may or may not arrive before the socket drops.
      await Promise.race([
        this.send('browser.close').catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 5_000)),
      ]);
      this.ws.close();
    }
    await stopProcess(this.child, 10_000);
    await rm(this.profile, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
  }
}

/** Gives the process `graceMs` to exit by itself, then SIGKILLs it (this pid only). */
async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
