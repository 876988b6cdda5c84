// The hostile-mail corpus (test/fixtures/mail/hostile) through the real pipeline in
// headless Chromium: worker parse, DOMPurify, the sandboxed frame (docs/security.md #42–#54).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ELEMENT_DEPTH } from '../../../client/reader/sanitize-html.ts';
import {
  assertRemoteLoads,
  assertRemoteOffer,
  assertReport,
  FILES,
  FORBIDDEN_IN_FRAME,
} from './corpus-checks.ts';
import { EXPECTATIONS } from './expectations.ts';
import { ReaderSession, SCREENSHOTS } from './session.ts';

let session: ReaderSession;

beforeAll(async () => {
  session = await ReaderSession.start();
  // docs/security.md #53: every CSP violation of the page while the corpus renders.
  await session.page.evaluate(() => {
    const seen: string[] = [];
    (window as { __violations?: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push(`${event.effectiveDirective}: ${event.sample}`),
    );
  });
});

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
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

    assertReport(report, expected);

    if (expected.kind === 'html') {
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
            // eslint-disable-next-line @typescript-eslint/no-deprecated -- never called: the test only checks a hostile message left this built-in intact
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
      const anchors = report.document?.anchors ?? [];
      expect(live.markers).toHaveLength(anchors.filter((a) => a.warning).length);
      for (const marker of live.markers) {
        expect(marker.content).toContain('Warning: deceptive link');
        expect(marker.display).toBe('inline');
        expect(marker.title).toMatch(/^Warning: /);
      }
      await session.page.screenshot({ path: join(SCREENSHOTS, `${file}.png`) });
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

    // Nothing ran and nothing was fetched before opt-in (docs/security.md #42, #46).
    expect(await session.markers()).toEqual({ top: undefined, frame: undefined });
    expect(session.dialogs).toEqual([]);
    expect(session.pageErrors).toEqual([]);
    expect(session.unexpectedConsole()).toEqual([]);
    expect(session.remote.requests.map((r) => r.path)).toEqual([]);
    expect(session.page.url()).toBe(session.harness.url);

    // Remote content: exactly the expected images are offered (docs/security.md #46).
    assertRemoteOffer(report, expected, session.remote.port);
    if (expected.remote?.length) {
      await session.showRemote();
      assertRemoteLoads(session.remote.requests, expected);
      expect(await session.markers()).toEqual({ top: undefined, frame: undefined });
      expect(session.dialogs).toEqual([]);
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

  it('raised no Trusted Types violation over the whole corpus, and a stray innerHTML throws (docs/security.md #53)', async () => {
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
