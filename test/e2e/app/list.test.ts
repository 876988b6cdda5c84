// The message list in headless Chromium against the real gateway and Dovecot:
// read and unread (names, bold, the tab title, Mark as read/unread, Shift+I/U),
// read state surviving sign-out and sign-in with "Keep mail on this device",
// mail new since the last visit, Select all, Shift ranges, Ctrl+A, search over
// Cc, the shown date and opened text, the Undo toast with the next message
// opening, `?`, and the phone toolbar on one row; light, dark and Chinese.

import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EN } from '../../../client/state/messages-en.ts';
import { ZH } from '../../../client/state/messages-zh.ts';
import { mailboxIds, plainMessage, startWorld, USER, type AppWorld } from './app-session.ts';

const SUBJECTS = [
  'Budget for April',
  'Offsite agenda',
  'Release notes v2',
  'Lunch order',
  'Printer fixed',
  'Team photo',
  'Quarterly review',
];
const COPIED = 'Minutes of the planning meeting held on Thursday afternoon in the big room';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

function copiedMessage(): string {
  return [
    'From: Planner <planner@example.test>',
    'To: alice@example.test',
    'Cc: Dora Copied <dora@example.test>',
    `Subject: ${COPIED}`,
    'Date: Mon, 09 Mar 2026 10:00:00 +0000',
    'Message-ID: <copied@example.test>',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Agenda attached.',
    '',
  ].join('\r\n');
}

let world: AppWorld;
let count = 0;

beforeAll(async () => {
  const messages = [...SUBJECTS.map((s, i) => plainMessage(i + 1, s)), copiedMessage()];
  count = messages.length;
  world = await startWorld(messages);
}, 120_000);

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await world?.dispose();
});

interface ListPage {
  context: BrowserContext;
  page: Page;
  row: (subject: string) => ReturnType<Page['getByRole']>;
  nameOf: (subject: string) => Promise<string | null>;
  shot: (name: string) => Promise<void>;
  signIn: (options?: { keepMail?: boolean }) => Promise<void>;
  signOut: () => Promise<void>;
}

interface OpenOptions {
  size?: { width: number; height: number };
  locale?: 'en-US' | 'zh-CN';
  colorScheme?: 'light' | 'dark';
  keepMail?: boolean;
}

/** A fresh profile at `size`, in `locale` and `colorScheme`, signed in. */
async function openList(options: OpenOptions = {}): Promise<ListPage> {
  const locale = options.locale ?? 'en-US';
  const t = locale === 'zh-CN' ? ZH : EN;
  const context = await world.browser.newContext({
    viewport: options.size ?? DESKTOP,
    locale,
    colorScheme: options.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  const grid = page.getByRole('grid', { name: t['list.label'] });
  const row = (subject: string) => grid.getByRole('row').filter({ hasText: subject });
  const list: ListPage = {
    context,
    page,
    row,
    nameOf: (subject) => row(subject).getAttribute('aria-label'),
    shot: async (name) => {
      await page.screenshot({ path: `/tmp/list-${name}.png` });
    },
    async signIn({ keepMail = false } = {}) {
      await page.getByRole('textbox', { name: t['signIn.username'] }).fill(USER.name);
      await page.getByRole('textbox', { name: t['signIn.password'] }).fill(USER.password);
      await page.getByRole('checkbox', { name: t['keepMail.label'] }).setChecked(keepMail);
      await page.getByRole('button', { name: t['signIn.submit'] }).click();
      await row(SUBJECTS[0]!).waitFor();
    },
    async signOut() {
      await page.getByRole('button', { name: t['toolbar.signOut'] }).click();
      await page.getByRole('button', { name: t['signIn.submit'] }).waitFor({ timeout: 20_000 });
    },
  };
  await page.goto(world.gateway.url);
  await list.signIn({ keepMail: options.keepMail });
  return list;
}

const fromWeight = (list: ListPage, subject: string): Promise<string> =>
  list
    .row(subject)
    .locator('.cell-from')
    .evaluate((cell) => getComputedStyle(cell).fontWeight);

describe('the message list', () => {
  it('counts every message unread on a new device; opening reads it; Mark as unread, Shift+I', async () => {
    const list = await openList();
    const { page } = list;
    for (const subject of SUBJECTS) expect(await list.nameOf(subject)).toMatch(/^Unread, /);
    await expect.poll(() => page.title()).toBe(`(${count}) Mail`);
    await page.getByText(`${count} unread`).waitFor();
    // When the list was updated, in the locale's own time format.
    await page.getByText(/^Updated \d{1,2}:\d{2}\s[AP]M$/).waitFor();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByText(/^Updated \d{1,2}:\d{2}\s[AP]M$/).waitFor();
    await list.row(SUBJECTS[0]!).waitFor();
    await list.shot('desktop-light');

    await list.row('Lunch order').click();
    await page.getByText('Body of message 4.').waitFor();
    await expect.poll(() => list.nameOf('Lunch order')).toMatch(/^Sender 4, Lunch order, /);
    expect(await fromWeight(list, 'Lunch order')).toBe('400');
    expect(await fromWeight(list, 'Team photo')).toBe('700');
    await expect.poll(() => page.title()).toBe(`(${count - 1}) Mail`);
    await list.shot('desktop-reading');

    await page.getByRole('button', { name: 'Mark as unread' }).click();
    await expect.poll(() => list.nameOf('Lunch order')).toMatch(/^Unread, /);
    await page.getByRole('button', { name: 'Mark as read' }).waitFor();
    await page.locator('body').focus();
    await page.keyboard.press('Shift+I');
    await expect.poll(() => list.nameOf('Lunch order')).not.toMatch(/^Unread/);
    await page.keyboard.press('Shift+U');
    await expect.poll(() => list.nameOf('Lunch order')).toMatch(/^Unread, /);
    await list.context.close();
  });

  it('picks with Select all, Shift-click ranges and Ctrl+A, and says how many', async () => {
    const list = await openList();
    const { page } = list;
    await list.row('Quarterly review').getByRole('checkbox').click();
    await list.row('Printer fixed').click({ modifiers: ['Shift'] });
    await page.getByText('3 selected').waitFor();
    // Shift-click picked rows, not the page's text.
    expect(await page.evaluate(() => window.getSelection()?.toString() ?? '')).toBe('');
    await list.row('Budget for April').getByRole('checkbox').click();
    await page.getByText('4 selected').waitFor();
    await page.getByRole('button', { name: 'Mark as read' }).click();
    await expect.poll(() => list.nameOf('Team photo')).not.toMatch(/^Unread/);
    expect(await list.nameOf('Offsite agenda')).toMatch(/^Unread, /);
    await list.shot('desktop-selected');

    await page.getByRole('grid', { name: 'Messages' }).focus();
    await page.keyboard.press('Control+a');
    await page.getByText(`${count} selected`).waitFor();
    const selectAll = page.getByRole('checkbox', { name: 'Select all' });
    expect(await selectAll.isChecked()).toBe(true);
    expect(await page.evaluate(() => window.getSelection()?.toString() ?? '')).toBe('');
    await selectAll.click();
    await expect.poll(() => page.getByText(/selected$/).count()).toBe(0);
    await list.context.close();
  });

  it('searches Cc, the date as shown, opened text; says "1 of 8" and plain no-match', async () => {
    const list = await openList();
    const { page } = list;
    const search = page.getByRole('searchbox', { name: 'Search' });
    await search.fill('dora');
    await page.getByText(`1 of ${count}`).waitFor();
    await list.row(COPIED).waitFor();
    // The full subject on hover.
    expect(await list.row(COPIED).locator('.cell-subject').getAttribute('title')).toBe(COPIED);
    // plainMessage(2) is dated 3 March: the list shows "Mar 3".
    await search.fill('Mar 3');
    await list.row('Offsite agenda').waitFor();
    expect(await list.row('Budget for April').count()).toBe(0);
    await search.fill('nothing like this');
    await page.getByText('No message matches your search.').waitFor();
    await list.shot('desktop-no-match');
    await search.fill('');
    await list.row('Release notes v2').click();
    await page.getByText('Body of message 3.').waitFor();
    await search.fill('body of message 3');
    await page.getByText(`1 of ${count}`).waitFor();
    await list.context.close();
  });

  it('deletes with a "Deleted 1 · Undo" toast, opens the next message, and Undo restores', async () => {
    const before = await mailboxIds(world.dovecot);
    const list = await openList();
    const { page } = list;
    // Newest first: the row after "Printer fixed" is "Lunch order".
    await list.row('Printer fixed').click();
    await page.getByText('Body of message 5.').waitFor();
    await page.getByRole('button', { name: 'Delete' }).click();
    const toast = page.getByRole('status').filter({ hasText: 'Deleted 1' });
    await toast.waitFor();
    await page.getByText('Body of message 4.').waitFor();
    await list.shot('desktop-toast');
    await toast.getByRole('button', { name: 'Undo' }).click();
    await list.row('Printer fixed').waitFor();
    await expect.poll(() => toast.count()).toBe(0);
    expect(await mailboxIds(world.dovecot)).toEqual(before);
    await list.context.close();
  });

  it('says what sign-out waits for during the Undo window, and Undo still works', async () => {
    const before = await mailboxIds(world.dovecot);
    const list = await openList();
    const { page } = list;
    await list.row('Budget for April').getByRole('checkbox').click();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    const toast = page.getByRole('status').filter({ hasText: 'Signing out once the Undo time' });
    await toast.waitFor();
    await list.shot('desktop-signing-out');
    await toast.getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 20_000 });
    expect(await mailboxIds(world.dovecot)).toEqual(before);
    await list.context.close();
  });

  it('draws placeholder rows and "Loading 8 messages…" as soon as STAT answers', async () => {
    const context = await world.browser.newContext({ viewport: DESKTOP, locale: 'en-US' });
    const page = await context.newPage();
    // A slow link after STAT: the gateway's frames that follow its reply are held back.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.routeWebSocket(/\/ws$/, (socket) => {
      const server = socket.connectToServer();
      let isHolding = false;
      socket.onMessage((message) => server.send(message));
      server.onMessage((message) => {
        if (typeof message === 'string') {
          socket.send(message);
          return;
        }
        if (isHolding) return void held.then(() => socket.send(message));
        const text = message.toString('latin1');
        const stat = /^\+OK \d+ \d+\r\n/m.exec(text);
        if (!stat) {
          socket.send(message);
          return;
        }
        const end = stat.index + stat[0].length;
        socket.send(message.subarray(0, end));
        isHolding = true;
        const rest = message.subarray(end);
        if (rest.length > 0) void held.then(() => socket.send(rest));
      });
    });
    await page.goto(world.gateway.url);
    await page.getByRole('textbox', { name: 'Username' }).fill(USER.name);
    await page.getByRole('textbox', { name: 'Password' }).fill(USER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(/^Loading \d+ messages…$/).waitFor();
    expect(await page.locator('.row.is-placeholder').count()).toBeGreaterThan(0);
    await page.screenshot({ path: '/tmp/list-desktop-placeholders.png' });
    release();
    await page.getByRole('grid', { name: 'Messages' }).getByRole('row').first().waitFor();
    expect(await page.locator('.row.is-placeholder').count()).toBe(0);
    await context.close();
  });

  it('shows the keyboard shortcuts on ?', async () => {
    const list = await openList({ colorScheme: 'dark' });
    const { page } = list;
    await list.shot('desktop-dark');
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.getByText('Mark as unread').waitFor();
    await list.shot('desktop-dark-help');
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);
    await list.row('Team photo').getByRole('checkbox').click();
    await page.getByRole('button', { name: 'Delete' }).click();
    const toast = page.getByRole('status').filter({ hasText: 'Deleted 1' });
    await toast.waitFor();
    await list.shot('desktop-dark-toast');
    await toast.getByRole('button', { name: 'Undo' }).click();
    await list.row('Team photo').waitFor();
    await list.context.close();
  });

  it('at phone width keeps the toolbar on one row, in light, dark and Chinese', async () => {
    for (const [name, options] of [
      ['phone-light', {}],
      ['phone-dark', { colorScheme: 'dark' }],
      ['phone-zh', { locale: 'zh-CN' }],
    ] as const) {
      const list = await openList({ size: PHONE, ...options });
      const { page } = list;
      // The mailbox's toolbar, not the reader's (the reader bar is a toolbar too).
      const toolbar = page.locator('header.toolbar[role="toolbar"]');
      const height = async () => (await toolbar.boundingBox())?.height ?? 0;
      expect(await height(), name).toBeLessThan(60);
      await list.shot(name);
      if (name === 'phone-zh') {
        expect(await list.nameOf('Offsite agenda')).toMatch(/^未读，/);
        await expect.poll(() => page.title()).toBe(`(${count}) 邮件`);
      }
      await list.row('Team photo').getByRole('checkbox').click();
      expect(await height(), name).toBeLessThan(60);
      await list.shot(`${name}-selected`);
      await list.row('Team photo').getByRole('checkbox').click();
      await list.row('Lunch order').click();
      await page.getByText('Body of message 4.').waitFor();
      expect(await height(), name).toBeLessThan(60);
      await list.shot(`${name}-reading`);
      await list.context.close();
    }
  });

  it('in Chinese names unread rows "未读" and shows the date as 月日', async () => {
    const list = await openList({ locale: 'zh-CN' });
    expect(await list.nameOf('Offsite agenda')).toMatch(/^未读，/);
    const search = list.page.getByRole('searchbox', { name: '搜索' });
    await search.fill('3月3日');
    await list.row('Offsite agenda').waitFor();
    await search.fill('');
    await list.shot('desktop-zh');
    // Escape leaves the search box; then `?` is a shortcut, not a character.
    await list.page.keyboard.press('Escape');
    await list.page.keyboard.press('?');
    await list.page.getByRole('dialog', { name: '键盘快捷键' }).getByText('标为未读').waitFor();
    await list.shot('desktop-zh-help');
    await list.context.close();
  });

  it('keeps read state through sign-out and sign-in with keep-mail, and marks new mail', async () => {
    const list = await openList({ keepMail: true });
    const { page } = list;
    await list.row('Printer fixed').click();
    await page.getByText('Body of message 5.').waitFor();
    await list.row('Team photo').getByRole('checkbox').click();
    await page.keyboard.press('Shift+I');
    await expect.poll(() => list.nameOf('Team photo')).not.toMatch(/^Unread/);
    await list.signOut();
    await world.dovecot.addMessages(USER.name, [plainMessage(20, 'Arrived while away')]);
    await list.signIn({ keepMail: true });
    await list.row('Arrived while away').waitFor();
    expect(await list.nameOf('Printer fixed')).not.toMatch(/^Unread/);
    expect(await list.nameOf('Team photo')).not.toMatch(/^Unread/);
    expect(await list.nameOf('Lunch order')).toMatch(/^Unread, /);
    expect(await list.nameOf('Arrived while away')).toMatch(/^Unread, new, /);
    await list.row('Arrived while away').getByText('New').waitFor();
    await expect.poll(() => page.title()).toBe(`(${count + 1 - 2}) Mail`);
    await list.shot('desktop-new-mail');
    await list.context.close();
  });
});
