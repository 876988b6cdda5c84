// The hostile-mail corpus in WebKitGTK (Debian's MiniBrowser) over W3C WebDriver
// (docs/security.md #54). MiniBrowser (GTK 3) will not start without an X display, so it
// draws into a private Xvfb.
// WebDriver classic sees neither requests nor console: the recorder is the authority.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRequestRecorder, type RequestRecorder } from '../../support/browser.ts';
import { freePort } from '../../support/ports.ts';
import { startReaderHarness, type Harness } from '../../support/reader-harness/build.ts';
import { describeHostileCorpus, type ReaderDriver } from './cross-browser.ts';

/** As CI installs them (scripts/test-deps.sh); overridable for local runs. */
const DRIVER_PATH = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
const MINIBROWSER_PATH =
  process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const XVFB_PATH = process.env.XVFB_PATH ?? '/usr/bin/Xvfb';
// W3C WebDriver's web element identifier: an element reference is an object under this key.
const ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';

/** Gives the process `graceMs` after SIGTERM, then SIGKILLs it (this pid only). */
async function stop(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Starts Xvfb on a display it picks itself (`-displayfd`), so parallel runs never collide. */
async function startXvfb(): Promise<{ child: ChildProcess; display: string }> {
  const child = spawn(
    XVFB_PATH,
    ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
    {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    },
  );
  const display = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdio[3]?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('\n')) resolve(`:${seen.trim()}`);
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it was ready`)));
  });
  return { child, display };
}

/** WebKitWebDriver and one MiniBrowser session, spoken to over HTTP. */
class WebKitReader implements ReaderDriver {
  private readonly saved: string[] = [];

  private constructor(
    private readonly base: string,
    readonly browserName: string,
    private readonly processes: ChildProcess[],
    private readonly home: string,
    readonly harness: Harness,
    readonly remote: RequestRecorder,
  ) {}

  static async start(): Promise<WebKitReader> {
    const [harness, remote, xvfb, port] = await Promise.all([
      startReaderHarness(),
      startRequestRecorder(),
      startXvfb(),
      freePort(),
    ]);
    // A throwaway HOME: MiniBrowser's caches, settings and downloads stay out of the
    // real one, and GLib's user-dirs file points downloads at a folder we can list.
    const home = await mkdtemp(join(tmpdir(), 'webkit-home-'));
    await mkdir(join(home, '.config'));
    await mkdir(join(home, 'downloads'));
    await writeFile(
      join(home, '.config', 'user-dirs.dirs'),
      'XDG_DOWNLOAD_DIR="$HOME/downloads"\n',
    );
    const driver = spawn(DRIVER_PATH, [`--port=${port}`], {
      stdio: 'ignore',
      env: {
        ...process.env,
        DISPLAY: xvfb.display,
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_CACHE_HOME: join(home, '.cache'),
        XDG_DATA_HOME: join(home, '.local', 'share'),
      },
    });
    const root = `http://127.0.0.1:${port}`;
    try {
      await waitForDriver(root);
      const session = await command<{ sessionId: string; capabilities: { browserName: string } }>(
        'POST',
        `${root}/session`,
        {
          capabilities: {
            alwaysMatch: {
              // Prompts stay open, so prompts() can read them rather than a later command failing.
              unhandledPromptBehavior: 'ignore',
              // The recorder's https side is self-signed.
              acceptInsecureCerts: true,
              timeouts: { script: 60_000 },
              'webkitgtk:browserOptions': { binary: MINIBROWSER_PATH, args: ['--automation'] },
            },
          },
        },
      );
      const reader = new WebKitReader(
        `${root}/session/${session.sessionId}`,
        session.capabilities.browserName,
        [driver, xvfb.child],
        home,
        harness,
        remote,
      );
      await reader.send('POST', '/window/rect', { width: 1100, height: 800 });
      await reader.navigate(harness.url);
      return reader;
    } catch (error) {
      await Promise.all([stop(driver), stop(xvfb.child), harness.dispose(), remote.close()]);
      await rm(home, { recursive: true, force: true });
      throw error;
    }
  }

  send<T>(method: string, path: string, body?: unknown): Promise<T> {
    return command<T>(method, `${this.base}${path}`, body);
  }

  async close(): Promise<void> {
    await this.send('DELETE', '').catch(() => undefined);
    for (const child of this.processes) await stop(child);
    await Promise.all([this.remote.close(), this.harness.dispose()]);
    await rm(this.home, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
  }

  /** Runs in the current browsing context; values travel as JSON like the BiDi driver's. */
  private async run<A extends unknown[], R>(
    fn: (...args: A) => R | Promise<R>,
    args: A,
  ): Promise<R> {
    const script = `const done = arguments[arguments.length - 1];
      Promise.resolve()
        .then(() => (${fn.toString()})(...JSON.parse(arguments[0])))
        .then((v) => done({ json: v === undefined ? null : JSON.stringify(v) }),
              (e) => done({ error: String(e) }));`;
    const out = await this.send<{ json: string | null } | { error: string }>(
      'POST',
      '/execute/async',
      { script, args: [JSON.stringify(args)] },
    );
    if ('error' in out) throw new Error(`evaluate: ${out.error}`);
    return (out.json === null ? undefined : JSON.parse(out.json)) as R;
  }

  evaluate<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>, ...args: A): Promise<R> {
    return this.run(fn, args);
  }

  async evaluateInFrame<A extends unknown[], R>(
    fn: (...args: A) => R | Promise<R>,
    ...args: A
  ): Promise<R | null> {
    const frames = await this.send<Record<string, string>[]>('POST', '/elements', {
      using: 'css selector',
      value: 'iframe',
    });
    const frame = frames[0];
    if (!frame?.[ELEMENT_KEY]) return null;
    await this.send('POST', '/frame', { id: frame });
    try {
      return await this.run(fn, args);
    } finally {
      await this.send('POST', '/frame', { id: null });
    }
  }

  async navigate(url: string): Promise<void> {
    await this.send('POST', '/url', { url });
  }

  pageUrl(): Promise<string> {
    return this.send<string>('GET', '/url');
  }

  resetObservations(): void {
    this.remote.clear();
    this.saved.splice(0);
  }

  requests(): null {
    return null;
  }

  logs(): null {
    return null;
  }

  private async others(): Promise<{ handles: string[]; own: string }> {
    const own = await this.send<string>('GET', '/window');
    const handles = await this.send<string[]>('GET', '/window/handles');
    return { handles: handles.filter((h) => h !== own), own };
  }

  async otherWindows(): Promise<string[]> {
    const { handles, own } = await this.others();
    const urls: string[] = [];
    for (const handle of handles) {
      await this.send('POST', '/window', { handle });
      urls.push(await this.pageUrl());
    }
    if (handles.length) await this.send('POST', '/window', { handle: own });
    return urls;
  }

  async closeOtherWindows(): Promise<void> {
    const { handles, own } = await this.others();
    for (const handle of handles) {
      await this.send('POST', '/window', { handle });
      await this.send('DELETE', '/window');
    }
    if (handles.length) await this.send('POST', '/window', { handle: own });
  }

  /**
   * Finished files are counted and removed, so a second file of the same name counts
   * again rather than replacing the first; `name.wkdownload` is one still being written.
   */
  async downloads(): Promise<string[]> {
    const dir = join(this.home, 'downloads');
    for (const name of await readdir(dir)) {
      if (name.endsWith('.wkdownload')) continue;
      this.saved.push(name);
      await rm(join(dir, name), { force: true });
    }
    return this.saved.slice();
  }

  async prompts(): Promise<string[]> {
    try {
      const text = await this.send<string>('GET', '/alert/text');
      await this.send('POST', '/alert/dismiss', {});
      return [text];
    } catch (error) {
      if (error instanceof WebDriverError && error.error === 'no such alert') return [];
      throw error;
    }
  }
}

class WebDriverError extends Error {
  constructor(
    readonly error: string,
    message: string,
  ) {
    super(`${error}: ${message}`);
    this.name = 'WebDriverError';
  }
}

async function command<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const { value } = (await response.json()) as { value: unknown };
  if (!response.ok) {
    const { error, message } = value as { error: string; message: string };
    throw new WebDriverError(error, message);
  }
  return value as T;
}

async function waitForDriver(root: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last: unknown = 'not ready';
  while (Date.now() < deadline) {
    try {
      if ((await command<{ ready: boolean }>('GET', `${root}/status`)).ready) return;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`WebKitWebDriver did not come up within 30 s: ${String(last)}`);
}

describeHostileCorpus('WebKit', 'MiniBrowser', () => WebKitReader.start());
