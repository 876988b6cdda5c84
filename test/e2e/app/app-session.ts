// Shared pieces of the app's end-to-end tests: the built client, the gateway
// in front of this file's users on the shared Dovecot, Chromium, and small page helpers.

import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from '../../support/browser.ts';
import type { DovecotSlot } from '../../support/dovecot.ts';
import { dovecotForFile } from '../../support/shared-dovecot.ts';
import {
  builtClient,
  startAppGateway,
  type AppGateway,
  type BuiltClient,
} from '../../support/app-server.ts';

export const SAMPLES = fileURLToPath(new URL('../../fixtures/mail/samples/', import.meta.url));
/** Screenshots go to a temp dir, never into the repository. */
export const SCREENSHOTS = mkdtempSync(join(tmpdir(), 'app-e2e-shots-'));

export const USER = { name: 'alice', password: 'wonderland-1' };

/** A plain message with a Message-ID we can find again in the maildir. */
export function plainMessage(n: number, subject: string): string {
  return [
    `From: Sender ${n} <sender${n}@example.test>`,
    'To: alice@example.test',
    `Subject: ${subject}`,
    `Date: Mon, 0${(n % 9) + 1} Mar 2026 10:00:00 +0000`,
    `Message-ID: <plain-${n}@example.test>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Body of message ${n}.`,
    '',
  ].join('\r\n');
}

export interface AppWorld {
  dovecot: DovecotSlot;
  client: BuiltClient;
  gateway: AppGateway;
  browser: Browser;
  /** Restart the gateway on the same port (a deploy, a crash). */
  restartGateway(pauseMs?: number): Promise<void>;
  dispose(): Promise<void>;
}

/** Dovecot with `messages` for alice, the built app, the gateway and Chromium. */
export async function startWorld(messages: (string | Uint8Array)[]): Promise<AppWorld> {
  const client = builtClient();
  const [dovecot, browser] = await Promise.all([dovecotForFile(), launchChromium()]);
  await dovecot.addMessages(USER.name, messages);
  const upstream = {
    host: dovecot.host,
    port: dovecot.implicitPort,
    ca: dovecot.ca,
    servername: dovecot.servername,
  };
  const world: AppWorld = {
    dovecot,
    client,
    browser,
    gateway: await startAppGateway({ upstream, staticDir: client.dir }),
    async restartGateway(pauseMs = 1000) {
      const port = world.gateway.port;
      await world.gateway.stop(100);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      world.gateway = await startAppGateway({ upstream, staticDir: client.dir, port });
    },
    async dispose() {
      await browser.close();
      await world.gateway.stop(0);
      await dovecot.stop();
    },
  };
  return world;
}

export interface AppPage {
  context: BrowserContext;
  page: Page;
  /** Every WebSocket URL the page opened. */
  sockets: string[];
  errors: string[];
  grid: Locator;
  row(subject: string): Locator;
  /** The grid's aria-rowcount. */
  rowCount(): Promise<string | null>;
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** A fresh browser profile (empty IndexedDB) on the app's page, signed in. */
export function openSignedIn(
  world: AppWorld,
  size = { width: 1200, height: 800 },
  options: { ignoreHTTPSErrors?: boolean } = {},
): Promise<AppPage> {
  return signInAt(world.browser, world.gateway.url, size, options);
}

/** A fresh browser profile on the app at `url` (the gateway's, or a proxy's), signed in. */
export async function signInAt(
  browser: Browser,
  url: string,
  size = { width: 1200, height: 800 },
  options: { ignoreHTTPSErrors?: boolean } = {},
): Promise<AppPage> {
  const context = await browser.newContext({
    viewport: size,
    acceptDownloads: true,
    locale: 'en-US',
    ...options,
  });
  const page = await context.newPage();
  const sockets: string[] = [];
  const errors: string[] = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await page.getByRole('textbox', { name: 'Username' }).fill(USER.name);
  await page.getByRole('textbox', { name: 'Password' }).fill(USER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const grid = page.getByRole('grid', { name: 'Messages' });
  await grid.waitFor();
  return {
    context,
    page,
    sockets,
    errors,
    grid,
    row: (subject) => grid.getByRole('row').filter({ hasText: subject }),
    rowCount: () => grid.getAttribute('aria-rowcount'),
    shot: async (name) => {
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
    },
    close: () => context.close(),
  };
}

/** Poll `check` until it holds or `ms` pass. */
export async function eventually(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('condition not met in time');
}

/** Message-IDs of what Dovecot holds now, oldest first. */
export async function mailboxIds(dovecot: DovecotSlot): Promise<string[]> {
  const messages = await dovecot.readMailbox(USER.name);
  return messages.map(
    (bytes) => /^Message-ID:\s*(<[^>]+>)/im.exec(Buffer.from(bytes).toString('latin1'))?.[1] ?? '?',
  );
}

export function readSample(name: string): Promise<Buffer> {
  return readFile(join(SAMPLES, name));
}
