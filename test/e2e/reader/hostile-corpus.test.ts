// The hostile-mail corpus (test/fixtures/mail/hostile) through the real pipeline in
// headless Chromium: worker parse, DOMPurify, the sandboxed frame (SECURITY.md 42–54).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ELEMENT_DEPTH } from '../../../client/reader/sanitize-html.ts';
import { EXPECTATIONS } from './expectations.ts';
import { FIXTURES, ReaderSession, SCREENSHOTS } from './session.ts';

const FILES = readdirSync(join(FIXTURES, 'hostile'))
  .filter((name) => name.endsWith('.eml'))
  .sort();
const SANDBOX_TOKENS = ['allow-popups', 'allow-popups-to-escape-sandbox'];
const FORBIDDEN_IN_FRAME = 'script,svg,math,style,form,base,meta,link,iframe,object,embed';
/** C0/C1 controls, DEL, and bidi formatting characters (SECURITY.md 52). */
function hasBidiOrControl(text: string): boolean {
  return Array.from(text).some((ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return (
      code <= 0x1f ||
      (code >= 0x7f && code <= 0x9f) ||
      [0x200e, 0x200f, 0x061c].includes(code) ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069)
    );
  });
}

let session: ReaderSession;

beforeAll(async () => {
  session = await ReaderSession.start();
  // SECURITY.md 53: every CSP violation of the page while the corpus renders.
  await session.page.evaluate(() => {
    const seen: string[] = [];
    (window as { __violations?: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push(`${event.effectiveDirective}: ${event.sample}`),
    );
  });
});

afterAll(async () => {
  await session?.close();
  console.log(`reader e2e screenshots: ${SCREENSHOTS}`);
});

describe('hostile corpus', () => {
  it('has at least 60 fixtures, each with expectations, and at least 3 for every class 1–22', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(60);
    expect(FILES.filter((file) => !EXPECTATIONS[file])).toEqual([]);
    expect(Object.keys(EXPECTATIONS).filter((file) => !FILES.includes(file))).toEqual([]);
    const perClass = new Map<number, number>();
    for (const file of FILES) {
      const cls = EXPECTATIONS[file]?.cls ?? 0;
      // The cNN prefix names the class; a mismatch means a mislabeled expectation.
      expect(file.slice(0, 3), file).toBe(`c${String(cls).padStart(2, '0')}`);
      perClass.set(cls, (perClass.get(cls) ?? 0) + 1);
    }
    for (let cls = 1; cls <= 22; cls++) {
      expect(perClass.get(cls) ?? 0, `fixtures of class ${cls}`).toBeGreaterThanOrEqual(3);
    }
  });

  it.each(FILES)('%s renders safely, loads nothing, and only images after opt-in', async (file) => {
    const expected = EXPECTATIONS[file];
    if (!expected) throw new Error(`no expectations for ${file}`);
    session.resetObservations();
    const report = await session.render(session.fixture(`hostile/${file}`));
    await session.settle();

    expect(report.error).toBeNull();
    expect(report.kind).toBe(expected.kind);

    // Headers are text: only our own elements in the header block (SECURITY.md 52).
    expect(new Set(report.headerElements)).toEqual(new Set(['h2', 'bdi', 'dl', 'div', 'dt', 'dd']));
    if (expected.subject !== undefined) expect(report.subject).toBe(expected.subject);
    for (const text of expected.headerText ?? []) expect(report.headerText).toContain(text);

    if (expected.kind === 'html') {
      const doc = report.document;
      if (!doc) throw new Error('no frame document');
      // Sanitizer output (SECURITY.md 43), checked by Chromium's own parser.
      expect(doc.forbidden).toEqual([]);
      expect(doc.handlers).toEqual([]);
      expect(doc.csp).toBe(
        "default-src 'none'; img-src data: blob:; style-src 'unsafe-inline'; font-src data:; form-action 'none'; base-uri 'none'",
      );
      // The frame (SECURITY.md 42).
      expect(report.frameTitle).toBe('Message body');
      expect(report.sandbox?.split(/\s+/).sort()).toEqual(SANDBOX_TOKENS);
      // Links (SECURITY.md 50): every anchor both rel tokens, only allowed schemes.
      expect(doc.anchors.map((a) => a.href)).toEqual(expected.anchors ?? []);
      expect(doc.anchors.map((a) => a.warning)).toEqual(
        expected.linkWarnings ?? doc.anchors.map(() => null),
      );
      for (const anchor of doc.anchors) {
        expect(anchor.target).toBe('_blank');
        expect(anchor.rel).toBe('noopener noreferrer');
      }
      // Nothing remote, relative or scripted is left in any URL attribute (SECURITY.md 46).
      for (const url of doc.urls) {
        if (url.startsWith('a[href]=') || url.startsWith('area[href]=')) {
          expect(url).toMatch(/^(a|area)\[href\]=(https?|mailto):/);
        } else {
          expect(url).toMatch(/\]=data:image\/(png|gif|jpeg|webp);/);
        }
      }
      for (const style of doc.styles)
        expect(style).not.toMatch(/url\(|image|@import|fixed|sticky/i);
      const images = doc.images;
      expect(images.filter((i) => i.src?.startsWith('data:image/')).length).toBe(
        expected.inlineImages ?? 0,
      );
      expect(images.filter((i) => i.cidMissing).length).toBe(expected.cidPlaceholders ?? 0);
      for (const image of images) expect(image.referrerpolicy).toBe('no-referrer');

      // The live frame: parsed by the browser, nothing forbidden, no marker, text legible.
      const frame = session.messageFrame();
      if (!frame) throw new Error('message frame not found');
      const live = await frame.evaluate((selector) => {
        const all = Array.from(document.querySelectorAll('*'));
        const warned = Array.from(document.querySelectorAll('a[data-link-warning]'));
        return {
          forbidden: document.body.querySelectorAll(selector).length,
          handlers: all.filter((el) => el.getAttributeNames().some((n) => n.startsWith('on')))
            .length,
          pwned: (window as { __pwned?: unknown }).__pwned,
          text: document.body.innerText,
          // Payload classes 7 and 20: the frame builds the tree that was sanitized,
          // so it never reaches the depth where browsers flatten (512).
          depth: all.reduce((deepest, el) => {
            let depth = 0;
            for (let at: Element | null = el; at; at = at.parentElement) depth++;
            return Math.max(deepest, depth);
          }, 0),
          // Payload class 21: no id or name of the mail can shadow a window or
          // document property.
          names: Array.from(document.body.querySelectorAll('*')).flatMap((el) =>
            ['id', 'name'].flatMap((attr) => el.getAttribute(attr) ?? []),
          ),
          intact: [
            typeof document.getElementById === 'function',
            typeof document.getElementsByTagName === 'function',
            document.defaultView === window,
            document.body instanceof HTMLBodyElement,
            document.forms instanceof HTMLCollection,
            document.images instanceof HTMLCollection,
            document.documentElement instanceof HTMLHtmlElement,
            !((window.top as unknown) instanceof Element),
          ],
          // Payload class 17: the marker is drawn and has words for assistive tech.
          markers: warned.map((a) => ({
            content: getComputedStyle(a, '::after').content,
            display: getComputedStyle(a, '::after').display,
            title: a.getAttribute('title') ?? '',
          })),
        };
      }, FORBIDDEN_IN_FRAME);
      expect(live).toMatchObject({ forbidden: 0, handlers: 0, pwned: undefined });
      expect(live.text).toContain('LEGIBLE');
      expect(live.depth).toBeLessThanOrEqual(MAX_ELEMENT_DEPTH + 5);
      expect(live.names.filter((name) => !name.startsWith('user-content-'))).toEqual([]);
      expect(live.intact.every(Boolean)).toBe(true);
      expect(live.markers).toHaveLength(doc.anchors.filter((a) => a.warning).length);
      for (const marker of live.markers) {
        expect(marker.content).toContain('Warning: deceptive link');
        expect(marker.display).toBe('inline');
        expect(marker.title).toMatch(/^Warning: /);
      }
      await session.page.screenshot({ path: join(SCREENSHOTS, `${file}.png`) });
    } else {
      // Plain text (SECURITY.md 51): the literal text, and only the intended anchors.
      expect(report.document).toBeNull();
      expect(report.plainText).toContain('LEGIBLE');
      expect(new Set(report.textElements)).toEqual(new Set(report.textLinks.length ? ['a'] : []));
      expect(report.textLinks.map((l) => l.href)).toEqual(expected.textLinks ?? []);
      for (const link of report.textLinks) {
        expect(link.href).toMatch(/^(https?|mailto):/);
        expect(link.target).toBe('_blank');
        expect(link.rel).toBe('noopener noreferrer');
      }
    }

    // Attachments (SECURITY.md 49, 52): download-only, octet-stream, clean names.
    expect(report.attachments.map((a) => a.name)).toEqual(expected.attachments ?? []);
    if (expected.downloads)
      expect(report.attachments.map((a) => a.download)).toEqual(expected.downloads);
    for (const attachment of report.attachments) {
      expect(attachment.type).toBe('application/octet-stream');
      expect(attachment.href).toMatch(/^blob:/);
      expect(attachment.download).not.toMatch(/[/\\]/);
      expect(hasBidiOrControl(attachment.download)).toBe(false);
      expect(hasBidiOrControl(attachment.text)).toBe(false);
    }
    const blobs = await session.page.evaluate(() => window.harness.blobs());
    expect(blobs.filter((b) => b.type !== 'application/octet-stream')).toEqual([]);

    // The app page's own globals survive (payload class 21).
    expect(
      await session.page.evaluate(
        () =>
          typeof window.harness.render === 'function' &&
          typeof document.getElementById === 'function' &&
          document.getElementById('app') instanceof HTMLElement,
      ),
    ).toBe(true);

    // Nothing ran and nothing was fetched before opt-in (SECURITY.md 42, 46).
    expect(await session.markers()).toEqual({ top: undefined, frame: undefined });
    expect(session.dialogs).toEqual([]);
    expect(session.pageErrors).toEqual([]);
    expect(session.unexpectedConsole()).toEqual([]);
    expect(session.remote.requests.map((r) => r.path)).toEqual([]);
    expect(session.page.url()).toBe(session.harness.url);

    // Remote content: exactly the expected images are offered (SECURITY.md 46).
    const port = `https://127.0.0.1:${session.remote.port}`;
    expect(report.remoteUrls.map((u) => u.replace(port, '')).sort()).toEqual(
      [...(expected.remote ?? [])].sort(),
    );
    if (expected.remote?.length) {
      expect(report.blockedRemote).toBeGreaterThanOrEqual(expected.remote.length);
      expect(report.remoteBar).toContain('remote');
      await session.showRemote();
      const seen = session.remote.requests;
      expect(seen.length).toBeGreaterThan(0);
      for (const request of seen) {
        expect(expected.remote).toContain(request.path);
        expect(request.headers.referer).toBeUndefined();
        expect(request.headers['sec-fetch-dest']).toBe('image');
        expect(request.method).toBe('GET');
      }
      expect(await session.markers()).toEqual({ top: undefined, frame: undefined });
      expect(session.dialogs).toEqual([]);
    } else {
      expect(report.remoteBar).toBeNull();
    }
  });
});

describe('winmail.dat (payload class 22)', () => {
  // TNEF starts with 0x223E9F78, little-endian (MS-OXTNEF 2.1.3.1).
  const TNEF_SIGNATURE = Buffer.from([0x78, 0x9f, 0x3e, 0x22]);
  const TNEF_FILES = FILES.filter((file) => EXPECTATIONS[file]?.cls === 22);

  it.each(TNEF_FILES)('%s: TNEF is a download of the exact bytes, never decoded', async (file) => {
    session.resetObservations();
    const report = await session.render(session.fixture(`hostile/${file}`));
    const tnef = report.attachments.filter((a) => /\.dat$/i.test(a.download));
    expect(tnef.length).toBeGreaterThan(0);
    const pages = session.page.context().pages().length;
    for (const attachment of tnef) {
      const saved = await session.download(attachment.name ?? '');
      expect(saved.name).toBe(attachment.download);
      expect(saved.bytes.subarray(0, 4).equals(TNEF_SIGNATURE)).toBe(true);
    }
    // Names of the files packed inside the TNEF never reach the page.
    const text = await session.page.evaluate(() => document.body.innerText);
    expect(text).not.toMatch(/evil\.html|invoice\.exe/);
    await session.settle();
    expect(session.page.context().pages()).toHaveLength(pages);
    expect(session.page.url()).toBe(session.harness.url);
    expect(await session.markers()).toEqual({ top: undefined, frame: undefined });
    expect(session.remote.requests).toEqual([]);
  });

  it('raised no Trusted Types violation over the whole corpus, and a stray innerHTML throws (SECURITY.md 53)', async () => {
    const violations = () =>
      session.page.evaluate(() => (window as { __violations?: string[] }).__violations ?? []);
    expect((await violations()).filter((v) => v.includes('trusted-types'))).toEqual([]);
    const stray = await session.page.evaluate(() => {
      try {
        document.body.insertAdjacentHTML('beforeend', '<b id="stray">x</b>');
        return document.getElementById('stray') ? 'parsed' : 'dropped';
      } catch (error) {
        return (error as Error).name;
      }
    });
    expect(stray).toBe('TypeError');
    expect(await violations()).toContainEqual(expect.stringMatching(/^require-trusted-types-for/));
  });
});
