// The web client in headless Chromium against the real gateway and a private
// Dovecot: sign in, the list (Chinese subjects included), a GBK message, an
// attachment's exact bytes, an HTML mail whose scripts must not run and whose
// remote image loads only when asked, delete + Undo, delete + commit, a gateway
// restart with a deletion pending, and no password in any browser storage.

import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServerCert } from '../../../server/tls/certificates.ts';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  mailboxIds,
  openSignedIn,
  plainMessage,
  readSample,
  SCREENSHOTS,
  startWorld,
  USER,
  type AppWorld,
} from './app-session.ts';

const GBK_SUBJECT = '会议通知';
const UTF8_SUBJECT = '季度报告：欢迎使用网页邮件';
const PLAIN = [
  'Budget for April',
  'Offsite agenda',
  'Release notes v2',
  'Lunch order',
  'Printer fixed',
];

let world: AppWorld;
let total = 0;
let allBytes: Buffer;
/** A "remote" image host: every request it gets is recorded. */
let remote: https.Server;
const remoteRequests: Array<{ url: string; referer: string | undefined }> = [];

const HTML_SUBJECT = 'Newsletter with a picture';

function hostileHtml(remotePort: number): string {
  const html = [
    '<html><body onload="top.__pwned = 1">',
    '<p>Hello reader, this is the newsletter.</p>',
    '<script>top.__pwned = 2; parent.__pwned = 2;</script>',
    '<img src="x" onerror="top.__pwned = 3">',
    '<svg onload="top.__pwned = 4"></svg>',
    '<a href="javascript:top.__pwned = 5">click me</a>',
    `<img alt="pixel" src="https://127.0.0.1:${remotePort}/pixel.png">`,
    '</body></html>',
  ].join('\r\n');
  return (
    `From: News <news@example.org>\r\nTo: alice@example.org\r\nSubject: ${HTML_SUBJECT}\r\n` +
    'Date: Tue, 3 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n' +
    `Content-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`
  );
}

beforeAll(async () => {
  const cert = await createServerCert({ names: ['127.0.0.1'] });
  remote = https.createServer(cert, (request, response) => {
    remoteRequests.push({ url: request.url ?? '', referer: request.headers.referer });
    response.writeHead(200, { 'Content-Type': 'image/gif' });
    response.end(Buffer.from('R0lGODlhAQABAAAAACwAAAAAAQABAAA=', 'base64'));
  });
  await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
  const remotePort = (remote.address() as AddressInfo).port;
  const attachments = await readSample('attachments.eml');
  // The fixture's all-bytes.bin part, decoded: what a download must equal.
  const part = /filename="all-bytes\.bin"\r?\n\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n--/.exec(
    attachments.toString('latin1'),
  );
  allBytes = Buffer.from(part?.[1]?.replace(/\s+/g, '') ?? '', 'base64');
  const messages = [
    ...PLAIN.map((subject, i) => plainMessage(i + 1, subject)),
    await readSample('chinese-utf8.eml'),
    await readSample('chinese-gbk.eml'),
    attachments,
    hostileHtml(remotePort),
  ];
  total = messages.length;
  world = await startWorld(messages);
}, 120_000);

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  remote?.closeAllConnections();
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  remote?.close();
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await world?.dispose();
  console.log(`app e2e screenshots: ${SCREENSHOTS}`);
});

describe('web client end to end', () => {
  it('signs in and lists every message, Chinese subjects included', async () => {
    const app = await openSignedIn(world);
    await eventually(async () => (await app.grid.getAttribute('aria-rowcount')) === String(total));
    await app.row(GBK_SUBJECT).waitFor();
    for (const subject of [...PLAIN, UTF8_SUBJECT, GBK_SUBJECT, 'Attachments sample']) {
      await expect(app.row(subject).count()).resolves.toBe(1);
    }
    await expect(app.grid.getByRole('row').count()).resolves.toBe(total);
    // The WebSocket URL is the page's directory + ws, with no credentials in it.
    expect(app.sockets.length).toBeGreaterThan(0);
    for (const url of app.sockets) {
      expect(url).toBe(world.gateway.url.replace('http:', 'ws:') + 'ws');
      expect(url).not.toContain(USER.password);
    }
    await app.shot('01-inbox');
    // Phone width: the same list, one pane.
    await app.page.setViewportSize({ width: 390, height: 800 });
    await app.shot('02-inbox-phone');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('opens a GBK message and shows the right text', async () => {
    const app = await openSignedIn(world);
    await app.row(GBK_SUBJECT).click();
    await app.page.getByText('明天上午十点在三楼会议室开会').waitFor();
    await expect(app.page.getByText('王芳').first().isVisible()).resolves.toBe(true);
    await app.shot('03-reader-gbk');
    await app.page.getByRole('button', { name: 'Back' }).click();
    await app.close();
  });

  it('downloads an attachment with its name and exact bytes', async () => {
    const app = await openSignedIn(world);
    await app.row('Attachments sample').click();
    const link = app.page.getByRole('link', { name: 'all-bytes.bin' });
    await link.waitFor();
    const [download] = await Promise.all([app.page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('all-bytes.bin');
    const path = await download.path();
    const { readFile } = await import('node:fs/promises');
    expect(Buffer.compare(await readFile(path), allBytes)).toBe(0);
    await app.shot('04-reader-attachments');
    await app.close();
  });

  it('runs no script from an HTML mail and loads its remote image only when asked', async () => {
    const app = await openSignedIn(world, undefined, { ignoreHTTPSErrors: true });
    await app.row(HTML_SUBJECT).click();
    const frame = app.page.frameLocator('iframe[title="Message body"]');
    await frame.getByText('Hello reader, this is the newsletter.').waitFor();
    const sandbox = await app.page.locator('iframe[title="Message body"]').getAttribute('sandbox');
    // Same-origin for sizing and keys; no allow-scripts, so nothing of the mail runs.
    expect(sandbox?.split(/\s+/).sort()).toEqual([
      'allow-popups',
      'allow-popups-to-escape-sandbox',
      'allow-same-origin',
    ]);
    await frame.getByText('click me').click();
    await app.page.waitForTimeout(500);
    const pwned = () => app.page.evaluate(() => (window as { __pwned?: number }).__pwned);
    expect(await pwned()).toBeUndefined();
    expect(remoteRequests).toEqual([]);
    await app.shot('05-reader-html-blocked');

    await app.page.getByRole('button', { name: 'Show remote content' }).click();
    await eventually(() => Promise.resolve(remoteRequests.length > 0), 10_000);
    expect(remoteRequests.map((request) => request.url)).toEqual(['/pixel.png']);
    expect(remoteRequests[0]?.referer).toBeUndefined();
    expect(await pwned()).toBeUndefined();
    expect(app.errors).toEqual([]);
    await app.shot('06-reader-html-remote-shown');
    await app.close();
  });

  it('keeps the password out of every storage after signing in', async () => {
    const app = await openSignedIn(world);
    await app.row(GBK_SUBJECT).waitFor();
    const dump = await app.page.evaluate(async () => {
      const databases: unknown[] = [];
      for (const { name } of await indexedDB.databases()) {
        if (!name) continue;
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const request = indexedDB.open(name);
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(new Error('open failed'));
        });
        for (const store of Array.from(db.objectStoreNames)) {
          const all = await new Promise<unknown>((resolve) => {
            const request = db.transaction(store).objectStore(store).getAll();
            request.onsuccess = () => resolve(request.result);
          });
          databases.push({ name, store, all });
        }
        db.close();
      }
      return JSON.stringify({
        local: Object.fromEntries(Object.entries(localStorage)),
        session: Object.fromEntries(Object.entries(sessionStorage)),
        cookie: document.cookie,
        url: location.href,
        databases,
      });
    });
    expect(dump).toContain(GBK_SUBJECT); // the header cache is there…
    expect(dump).not.toContain(USER.password); // …and no password anywhere
    // "Keep mail on this device" was left unticked: signing out leaves nothing.
    await app.page.getByRole('button', { name: 'Sign out' }).click();
    await app.page.getByRole('button', { name: 'Sign in' }).waitFor();
    await expect
      .poll(() => app.page.evaluate(async () => (await indexedDB.databases()).length))
      .toBe(0);
    await expect(
      app.page.getByRole('checkbox', { name: 'Keep mail on this device' }).isChecked(),
    ).resolves.toBe(false);
    await app.close();
  });

  it('says "Wrong username or password." in plain words', async () => {
    const context = await world.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(world.gateway.url);
    await page.getByRole('textbox', { name: 'Username' }).fill(USER.name);
    await page.getByRole('textbox', { name: 'Password' }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe(
      'Wrong username or password.',
    );
    await context.close();
  });

  it('a second tab does not open a second session until asked to take over', async () => {
    const app = await openSignedIn(world);
    await app.row(GBK_SUBJECT).waitFor();
    const second = await app.context.newPage();
    await second.goto(world.gateway.url);
    await second.getByRole('textbox', { name: 'Username' }).fill(USER.name);
    await second.getByRole('textbox', { name: 'Password' }).fill(USER.password);
    await second.getByRole('button', { name: 'Sign in' }).click();
    await second.getByText('This mailbox is open in another tab or window.').waitFor();
    await second.screenshot({ path: `${SCREENSHOTS}/08-second-tab.png` });
    await second.getByRole('button', { name: 'Use it here' }).click();
    await second.getByRole('grid', { name: 'Messages' }).getByRole('row').first().waitFor();
    await app.page.getByText('This mailbox is open in another tab or window.').waitFor();
    await app.close();
  });

  it('delete then Undo deletes nothing on the server', async () => {
    const before = await mailboxIds(world.dovecot);
    const app = await openSignedIn(world);
    await app.row('Lunch order').click();
    await app.page.getByRole('button', { name: 'Delete' }).click();
    await expect(app.row('Lunch order').count()).resolves.toBe(0);
    await app.shot('05-pending-undo');
    await app.page.getByRole('button', { name: 'Undo' }).click();
    await app.row('Lunch order').waitFor();
    // A later deletion on the same page is committed after the undone one's window has
    // ended: once it lands, an undone deletion that still went out would have landed too.
    await app.row('Budget for April').click();
    await app.page.getByRole('button', { name: 'Delete' }).click();
    await eventually(async () => (await mailboxIds(world.dovecot)).length < before.length);
    expect(await mailboxIds(world.dovecot)).toEqual(
      before.filter((id) => id !== '<plain-1@example.test>'),
    );
    await app.close();
    total -= 1;
  });

  it('delete and commit removes exactly that message from the mailbox', async () => {
    const before = await mailboxIds(world.dovecot);
    const app = await openSignedIn(world);
    await app.row('Offsite agenda').click();
    await app.page.getByRole('button', { name: 'Delete' }).click();
    await eventually(async () => (await mailboxIds(world.dovecot)).length === before.length - 1);
    expect(await mailboxIds(world.dovecot)).toEqual(
      before.filter((id) => id !== '<plain-2@example.test>'),
    );
    // The client reconnected quietly and shows the new count.
    await eventually(
      async () => (await app.grid.getAttribute('aria-rowcount')) === String(total - 1),
    );
    await app.page.getByText('Connected').waitFor();
    await app.shot('06-after-commit');
    await app.close();
    total -= 1;
  });

  it('a gateway restart with a deletion pending still applies it, once', async () => {
    const before = await mailboxIds(world.dovecot);
    const app = await openSignedIn(world);
    await app.row('Printer fixed').click();
    await app.page.getByRole('button', { name: 'Delete' }).click();
    // Inside the Undo window the gateway goes away and comes back.
    await world.restartGateway(1500);
    await app.shot('07-reconnecting');
    await eventually(
      async () => (await mailboxIds(world.dovecot)).length === before.length - 1,
      40_000,
    );
    expect(await mailboxIds(world.dovecot)).toEqual(
      before.filter((id) => id !== '<plain-5@example.test>'),
    );
    await app.page.getByText('Connected').waitFor();
    await app.close();
    total -= 1;
  }, 60_000);
});
