// The web client in headless Chromium against the real gateway and a private
// Dovecot: sign in, the list (Chinese subjects included), a GBK message, an
// attachment's exact bytes, delete + Undo, delete + commit, a gateway restart
// with a deletion pending, and no password in any browser storage.

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

beforeAll(async () => {
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
  ];
  total = messages.length;
  world = await startWorld(messages);
}, 120_000);

afterAll(async () => {
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
        local: { ...localStorage },
        session: { ...sessionStorage },
        cookie: document.cookie,
        url: location.href,
        databases,
      });
    });
    expect(dump).toContain(GBK_SUBJECT); // the header cache is there…
    expect(dump).not.toContain(USER.password); // …and no password anywhere
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
    const app = await openSignedIn(world);
    await app.row('Lunch order').click();
    await app.page.getByRole('button', { name: 'Delete' }).click();
    await expect(app.row('Lunch order').count()).resolves.toBe(0);
    await app.shot('05-pending-undo');
    await app.page.getByRole('button', { name: 'Undo' }).click();
    await app.row('Lunch order').waitFor();
    // Well past the Undo window: still nothing deleted.
    await app.page.waitForTimeout(8000);
    expect(await mailboxIds(world.dovecot)).toHaveLength(total);
    await app.close();
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
