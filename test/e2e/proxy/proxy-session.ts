// Helpers of the reverse-proxy end-to-end tests: the app signed in through
// nginx in Chromium, and bare bridge sessions (Node `ws`) through nginx from a
// chosen loopback source address with whatever X-Forwarded-For they claim.

import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import WebSocket from 'ws';
import type { Nginx } from '../../support/nginx.ts';
import { USER } from '../app/app-session.ts';

export interface ProxiedPage {
  context: BrowserContext;
  page: Page;
  /** Every WebSocket URL the page opened. */
  sockets: string[];
  errors: string[];
  grid: Locator;
  row(subject: string): Locator;
  rowCount(): Promise<string | null>;
  close(): Promise<void>;
}

/** A fresh profile on `url` (nginx's), signed in as alice; no certificate error is ignored. */
export async function signInThrough(browser: Browser, url: string): Promise<ProxiedPage> {
  const context = await browser.newContext({
    locale: 'en-US',
    viewport: { width: 1200, height: 800 },
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
  await grid.getByRole('row').first().waitFor();
  return {
    context,
    page,
    sockets,
    errors,
    grid,
    row: (subject) => grid.getByRole('row').filter({ hasText: subject }),
    rowCount: () => grid.getAttribute('aria-rowcount'),
    close: () => context.close(),
  };
}

/** How a bridge session through nginx went. */
export type BridgeAttempt =
  | { kind: 'opened'; ws: WebSocket }
  | { kind: 'refused'; status: number; retryAfter: string | undefined };

/**
 * Upgrade at `path` through `nginx` from `localAddress` (a 127/8 address: the
 * peer nginx sees), with a client-written X-Forwarded-For, then `open` the
 * default server and wait for `opened`.
 */
export function openBridge(
  nginx: Nginx,
  options: { path?: string; localAddress?: string; forwardedFor?: string } = {},
): Promise<BridgeAttempt> {
  const ws = new WebSocket(`wss://localhost:${nginx.port}${options.path ?? '/ws'}`, {
    ca: nginx.ca,
    origin: nginx.origin,
    perMessageDeflate: false,
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    headers: options.forwardedFor ? { 'X-Forwarded-For': options.forwardedFor } : {},
  });
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_request, response) => {
      resolve({
        kind: 'refused',
        status: response.statusCode ?? 0,
        retryAfter: response.headers['retry-after'],
      });
      ws.terminate();
    });
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'open', v: 1, server: 'main' })));
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) return;
      const message = JSON.parse(data.toString()) as { type: string };
      if (message.type === 'opened') resolve({ kind: 'opened', ws });
      else reject(new Error(`bridge answered ${data.toString()}`));
    });
  });
}

/** Close a bridge session and wait until the socket is gone. */
export async function closeBridge(attempt: BridgeAttempt): Promise<void> {
  if (attempt.kind !== 'opened') return;
  const closed = new Promise((resolve) => attempt.ws.once('close', resolve));
  attempt.ws.close();
  await closed;
}
