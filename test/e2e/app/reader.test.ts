// The reader in the real app, in headless Chromium at desktop and phone width:
// the frame as tall as its content and as wide as the screen, shortcuts with
// focus inside the frame, Back and reload, Print, View source, and the sign-in
// focus. Screenshots of light, dark and Chinese go to /tmp/reader-*.png.
import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  plainMessage,
  readSample,
  startWorld,
  USER,
  type AppWorld,
} from './app-session.ts';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const NEWSLETTER = 'Wide newsletter';
const SHORT_HTML = 'Short HTML note';
const COLUMNS = 'Aligned columns';

/** A 600 px table newsletter, taller than any screen. */
function newsletter(): string {
  const rows = Array.from(
    { length: 40 },
    (_, i) =>
      `<tr><td style="padding:12px">Story ${i + 1}: the quarterly figures, in detail.</td></tr>`,
  ).join('');
  const html = `<html><body style="margin:0"><table width="600" style="width:600px;background:#eef3ff" cellpadding="0" cellspacing="0"><tr><td><div style="width:600px;background:#c5d5ff">BANNER 600 px</div><h1>Monthly news</h1></td></tr>${rows}<tr><td>LAST LINE</td></tr></table></body></html>`;
  return [
    'From: News <news@example.org>',
    'To: alice@example.org, Bob <bob@example.org>',
    'Cc: Carol <carol@example.org>',
    `Subject: ${NEWSLETTER}`,
    'Date: Tue, 3 Nov 2026 17:35:09 +0000',
    'Message-ID: <wide-1@example.org>',
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    html,
    '',
  ].join('\r\n');
}

function shortHtml(): string {
  return [
    'From: Ann <ann@example.org>',
    'To: alice@example.org',
    `Subject: ${SHORT_HTML}`,
    'Date: Wed, 4 Nov 2026 08:05:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>See you at <b>noon</b>.</p>',
    '',
  ].join('\r\n');
}

function columns(): string {
  return [
    'From: Ops <ops@example.org>',
    'To: alice@example.org',
    `Subject: ${COLUMNS}`,
    'Date: Thu, 5 Nov 2026 09:00:00 +0000',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'host      cpu   disk',
    'alpha     12%   40%',
    'beta-long  3%   91%',
    '',
  ].join('\r\n');
}

let world: AppWorld;

beforeAll(async () => {
  world = await startWorld([
    plainMessage(1, 'Budget for April'),
    plainMessage(2, 'Offsite agenda'),
    await readSample('chinese-utf8.eml'),
    columns(),
    shortHtml(),
    newsletter(),
  ]);
}, 180_000);

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await world?.dispose();
});

interface Opened {
  page: Page;
  close(): Promise<void>;
}

/** A fresh profile at `size`, signed in, in the given language and colour scheme. */
async function open(
  size: { width: number; height: number },
  options: BrowserContextOptions = {},
): Promise<Opened> {
  const context = await world.browser.newContext({ viewport: size, locale: 'en-US', ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(world.gateway.url);
  await signIn(page, options.locale === 'zh-CN');
  return {
    page,
    close: async () => {
      expect(errors).toEqual([]);
      await context.close();
    },
  };
}

async function signIn(page: Page, isChinese = false): Promise<void> {
  await page.getByRole('textbox', { name: isChinese ? '用户名' : 'Username' }).fill(USER.name);
  await page.getByRole('textbox', { name: isChinese ? '密码' : 'Password' }).fill(USER.password);
  await page.getByRole('button', { name: isChinese ? '登录' : 'Sign in', exact: true }).click();
  // Attached, not visible: at phone width an open message hides the list (and
  // takes it out of the accessibility tree, so not by role).
  await page.locator('[role="grid"]').waitFor({ state: 'attached' });
}

async function openMessage(page: Page, subject: string): Promise<void> {
  await page.getByRole('row').filter({ hasText: subject }).first().click();
  await page.locator('.message-headers h2', { hasText: subject }).waitFor();
}

/** The frame element's height and its document's sizes, once it has settled. */
async function frameGeometry(page: Page) {
  const frame = page.locator('iframe[title="Message body"]');
  await frame.waitFor();
  await page.frameLocator('iframe[title="Message body"]').locator('body').waitFor();
  let last = '';
  // Settled: two reads 300 ms apart agree (late layout, the zoom's reflow).
  for (let i = 0; i < 20; i++) {
    const now = JSON.stringify(await measure());
    if (now === last) break;
    last = now;
    await page.waitForTimeout(300);
  }
  return measure();
  function measure() {
    return frame.evaluate((element: HTMLIFrameElement) => {
      const root = element.contentDocument!.documentElement;
      return {
        frameHeight: element.getBoundingClientRect().height,
        frameWidth: element.clientWidth,
        scrollHeight: root.scrollHeight,
        clientHeight: root.clientHeight,
        scrollWidth: root.scrollWidth,
        clientWidth: root.clientWidth,
        pageWidth: document.documentElement.clientWidth,
        right: element.getBoundingClientRect().right,
        zoom: element.contentDocument!.body.style.zoom,
      };
    });
  }
}

const isGridFocused = (page: Page) =>
  page.getByRole('grid').evaluate((grid) => grid === document.activeElement);

describe.each([
  ['desktop', DESKTOP],
  ['phone', PHONE],
])('the reader at %s width', (name, size) => {
  it('sizes the frame to its content, with no inner scrollbar and nothing cut off', async () => {
    const { page, close } = await open(size);
    await openMessage(page, NEWSLETTER);
    const wide = await frameGeometry(page);
    expect(Math.abs(wide.frameHeight - wide.scrollHeight)).toBeLessThanOrEqual(1);
    expect(wide.scrollHeight).toBeLessThanOrEqual(wide.clientHeight);
    expect(wide.scrollHeight).toBeGreaterThan(size.height);
    // The 600 px table fits the frame (scaled on the phone), and the frame the screen.
    expect(wide.scrollWidth).toBeLessThanOrEqual(wide.clientWidth);
    expect(wide.right).toBeLessThanOrEqual(wide.pageWidth);
    // A fixed 600 px banner cannot wrap: on the phone the mail is zoomed to fit.
    if (size === PHONE) expect(Number(wide.zoom)).toBeLessThan(1);
    else expect(wide.zoom).toBe('');
    await page.screenshot({ path: `/tmp/reader-${name}-newsletter.png` });
    const last = page.frameLocator('iframe[title="Message body"]').getByText('LAST LINE');
    await last.scrollIntoViewIfNeeded();
    await expect(last.isVisible()).resolves.toBe(true);

    await page.getByRole('button', { name: 'Back' }).click();
    await openMessage(page, SHORT_HTML);
    const short = await frameGeometry(page);
    // A short mail gets a short frame: no empty white slab below it.
    expect(short.frameHeight).toBeLessThan(120);
    expect(Math.abs(short.frameHeight - short.scrollHeight)).toBeLessThanOrEqual(1);
    await close();
  });

  it('hears Escape, j and k with focus inside the frame', async () => {
    const { page, close } = await open(size);
    await openMessage(page, SHORT_HTML);
    const frame = page.frameLocator('iframe[title="Message body"]');
    await frame.getByText('See you at').click();
    expect(
      await page.evaluate(() => document.activeElement?.getAttribute('title')),
      'focus inside the frame',
    ).toBe('Message body');
    // j from inside the frame opens the next message (the list is newest first).
    await page.keyboard.press('j');
    await page.locator('.message-headers h2', { hasText: COLUMNS }).waitFor();
    await page.keyboard.press('k');
    await page.locator('.message-headers h2', { hasText: SHORT_HTML }).waitFor();
    await frame.getByText('See you at').click();
    await page.keyboard.press('Escape');
    await page.getByRole('region', { name: 'Message', exact: true }).waitFor({ state: 'detached' });
    expect(await page.locator('iframe[title="Message body"]').count()).toBe(0);
    expect(await isGridFocused(page)).toBe(true);
    await close();
  });

  it('closes the reader with the browser’s Back, and reopens it after a reload and sign-in', async () => {
    const { page, close } = await open(size);
    const start = page.url();
    await openMessage(page, NEWSLETTER);
    const hash = new URL(page.url()).hash;
    expect(hash).toMatch(/^#message=[0-9a-z]{1,12}$/);
    await page.goBack();
    await page.getByRole('region', { name: 'Message', exact: true }).waitFor({ state: 'detached' });
    expect(await page.locator('iframe[title="Message body"]').count()).toBe(0);
    expect(page.url()).toBe(start);
    await expect(page.getByRole('grid').isVisible()).resolves.toBe(true);

    await openMessage(page, NEWSLETTER);
    await page.reload();
    await signIn(page);
    await page.locator('.message-headers h2', { hasText: NEWSLETTER }).waitFor();
    expect(new URL(page.url()).hash).toBe(hash);
    // Back from the reopened message still lands on the list, inside the app.
    await page.goBack();
    await page.getByRole('region', { name: 'Message', exact: true }).waitFor({ state: 'detached' });
    expect(page.url()).toBe(start);
    await close();
  });
});

describe('print and source', () => {
  it('prints the message alone, with its headers', async () => {
    const { page, close } = await open(DESKTOP);
    await openMessage(page, NEWSLETTER);
    await page.evaluate(() => {
      (window as { printed?: number }).printed = 0;
      window.print = () => void ((window as { printed?: number }).printed! += 1);
    });
    await page.getByRole('button', { name: 'Print' }).click();
    expect(await page.evaluate(() => (window as { printed?: number }).printed)).toBe(1);
    await page.emulateMedia({ media: 'print' });
    const shown = (selector: string) => page.locator(selector).first().isVisible();
    expect(await shown('.toolbar')).toBe(false);
    expect(await shown('.list-pane')).toBe(false);
    expect(await shown('.status-bar')).toBe(false);
    expect(await shown('.reader-bar')).toBe(false);
    expect(await shown('.message-headers h2')).toBe(true);
    expect(await page.locator('.message-headers').innerText()).toContain('news@example.org');
    const geometry = await frameGeometry(page);
    expect(Math.abs(geometry.frameHeight - geometry.scrollHeight)).toBeLessThanOrEqual(1);
    await page.screenshot({ path: '/tmp/reader-print.png', fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    await close();
  });

  it('shows the raw message as text in the app, not in a new tab', async () => {
    const { page, close } = await open(DESKTOP);
    await openMessage(page, NEWSLETTER);
    const source = page.getByRole('button', { name: 'View source' });
    await source.click();
    const pre = page.locator('.message-source pre');
    await pre.waitFor();
    const text = await pre.innerText();
    expect(text).toContain('Message-ID: <wide-1@example.org>');
    expect(text).toContain('<table width="600"');
    expect(await page.locator('iframe[title="Message body"]').count()).toBe(0);
    expect(await source.getAttribute('aria-pressed')).toBe('true');
    expect(page.context().pages()).toHaveLength(1);
    await page.screenshot({ path: '/tmp/reader-source.png' });
    await source.click();
    await page.locator('iframe[title="Message body"]').waitFor();
    await close();
  });

  it('remembers the fixed-width font for plain text on this device', async () => {
    const { page, close } = await open(DESKTOP);
    await openMessage(page, COLUMNS);
    const font = () =>
      page.locator('.message-text').evaluate((element) => getComputedStyle(element).fontFamily);
    expect(await font()).not.toMatch(/mono/i);
    await page.getByRole('button', { name: 'Monospace' }).click();
    expect(await font()).toMatch(/mono/i);
    await page.reload();
    await signIn(page);
    await page.locator('.message-headers h2', { hasText: COLUMNS }).waitFor();
    expect(await font()).toMatch(/mono/i);
    await close();
  });
});

describe('sign-in focus', () => {
  it('focuses the username, and selects the password after a wrong one', async () => {
    const context = await world.browser.newContext({ viewport: PHONE, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(world.gateway.url);
    const username = page.getByRole('textbox', { name: 'Username' });
    await eventually(() => username.evaluate((el) => el === document.activeElement));
    await page.keyboard.type(USER.name);
    const password = page.getByRole('textbox', { name: 'Password' });
    await password.fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').waitFor();
    const selection = await password.evaluate((el: HTMLInputElement) => ({
      isFocused: el === document.activeElement,
      start: el.selectionStart,
      end: el.selectionEnd,
      length: el.value.length,
    }));
    expect(selection).toEqual({ isFocused: true, start: 0, end: 16, length: 16 });
    expect(await username.getAttribute('autocomplete')).toBe('username');
    expect(await password.getAttribute('autocomplete')).toBe('current-password');
    await context.close();
  });
});

describe('screenshots', () => {
  it.each([
    ['desktop-light', DESKTOP, {}],
    ['desktop-dark', DESKTOP, { colorScheme: 'dark' }],
    ['desktop-zh', DESKTOP, { locale: 'zh-CN' }],
    ['phone-light', PHONE, {}],
    ['phone-dark', PHONE, { colorScheme: 'dark' }],
    ['phone-zh', PHONE, { locale: 'zh-CN', colorScheme: 'dark' }],
  ] as const)('%s', async (name, size, options: BrowserContextOptions) => {
    const { page, close } = await open(size, options);
    const isChinese = options.locale === 'zh-CN';
    await openMessage(page, COLUMNS);
    const labels = await page.locator('.message-headers dt').allInnerTexts();
    expect(labels).toEqual(isChinese ? ['发件人', '收件人', '日期'] : ['From', 'To', 'Date']);
    const date = (await page.locator('.message-headers dd').last().innerText()).trim();
    expect(date).not.toMatch(/\d:\d\d:\d\d/);
    if (isChinese) expect(date).toMatch(/2026年11月5日/);
    await page.screenshot({ path: `/tmp/reader-${name}-text.png` });
    await page.getByRole('button', { name: isChinese ? '返回' : 'Back' }).click();
    await openMessage(page, SHORT_HTML);
    await frameGeometry(page);
    await page.screenshot({ path: `/tmp/reader-${name}-html.png` });
    await close();
  });
});
