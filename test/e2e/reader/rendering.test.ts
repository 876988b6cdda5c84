// Real-browser checks of the reader beyond the corpus: charsets, downloads, overlay
// containment, worker limits, lazy chunks, and controls proving the detectors work.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHARSET_CASES, readCharsetFixture } from '../../support/charset-fixtures.ts';
import { builtScripts } from '../../support/reader-harness/build.ts';
import { SANDBOX_TOKENS } from './corpus-checks.ts';
import { FIXTURES, ReaderSession, SCREENSHOTS } from './session.ts';

let session: ReaderSession;

beforeAll(async () => {
  session = await ReaderSession.start();
});

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await session?.close();
  console.log(`reader e2e screenshots: ${SCREENSHOTS}`);
});

describe('lazy loading', () => {
  it('keeps DOMPurify and postal-mime out of the entry chunk until a message opens', async () => {
    expect(await session.page.evaluate(() => window.harness.loaded())).toEqual({ reader: false });
    const html = await readFile(join(session.harness.dir, 'index.html'), 'utf8');
    const entry = /<script type="module"[^>]*src="\.\/([^"]+)"/.exec(html)?.[1];
    if (!entry) throw new Error('no entry script');
    const scripts = await builtScripts(session.harness.dir);
    const entryCode = scripts.get(entry) ?? '';
    // Markers that survive minification: DOMPurify's hook API, postal-mime's error.
    const hasPurify = (code: string): boolean => code.includes('uponSanitizeAttribute');
    const hasPostal = (code: string): boolean => code.includes('Can not reuse parser');
    expect(hasPurify(entryCode) || hasPostal(entryCode)).toBe(false);
    const others = [...scripts].filter(([name]) => name !== entry);
    expect(others.filter(([, code]) => hasPurify(code)).map(([name]) => name)).toHaveLength(1);
    const postal = others.filter(([, code]) => hasPostal(code)).map(([name]) => name);
    expect(postal).toHaveLength(1);
    expect(postal[0]).toMatch(/worker/);
  });
});

describe('charsets (bodies decoded by postal-mime)', () => {
  it('renders a UTF-8 Chinese HTML message', async () => {
    session.resetObservations();
    const report = await session.render(session.fixture('samples/chinese-utf8.eml'));
    expect(report.error).toBeNull();
    expect(report.subject).toBe('季度报告：欢迎使用网页邮件');
    expect(report.headerText).toContain('张伟 <zhang.wei@example.test>');
    expect(report.headerText).toContain('李娜 <li.na@example.test>');
    expect(report.kind).toBe('html');
    const text = await session.messageFrame()?.evaluate(() => document.body.innerText);
    expect(text).toContain('你好，世界！');
    expect(text).toContain('这是一封测试邮件。');
    await session.page.screenshot({ path: join(SCREENSHOTS, 'chinese-utf8.png') });
  });

  it('renders a GBK plain-text message', async () => {
    const report = await session.render(session.fixture('samples/chinese-gbk.eml'));
    expect(report.error).toBeNull();
    expect(report.subject).toBe('会议通知');
    expect(report.headerText).toContain('王芳 <wang.fang@example.test>');
    expect(report.kind).toBe('text');
    expect(report.plainText).toContain('各位同事：');
    expect(report.plainText).toContain('明天上午十点在三楼会议室开会，请准时参加。');
    await session.page.screenshot({ path: join(SCREENSHOTS, 'chinese-gbk.png') });
  });
});

describe('legacy charsets (headers and bodies by the shared rule)', () => {
  it.each(CHARSET_CASES.map((fixture) => [fixture.case, fixture] as const))(
    '%s',
    async (_case, fixture) => {
      const report = await session.render(Buffer.from(readCharsetFixture(fixture.file)));
      expect(report.error).toBeNull();
      expect(report.subject).toBe(fixture.subject);
      expect(report.headerText).toContain(`${fixture.fromName} <${fixture.fromAddress}>`);
      for (const name of [...fixture.to, ...fixture.cc].filter(Boolean)) {
        expect(report.headerText).toContain(name);
      }
      const body =
        report.kind === 'html'
          ? ((await session.messageFrame()?.evaluate(() => document.body.innerText)) ?? '')
          : report.plainText;
      expect(body).toContain(fixture.body);
      expect(`${report.headerText}${body}`).not.toContain('\uFFFD');
      const shot = fixture.file.replace(/\.eml$/, '.png');
      await session.page.screenshot({ path: join(SCREENSHOTS, shot) });
    },
  );
});

describe('downloads (docs/security.md #49)', () => {
  it('saves attachments and the whole message with exact bytes and names', async () => {
    const raw = session.fixture('samples/attachments.eml');
    const report = await session.render(raw);
    expect(report.attachments.map((a) => a.name)).toEqual(['all-bytes.bin', '报告.pdf']);
    expect(report.document?.images.map((i) => i.src?.slice(0, 22))).toEqual([
      'data:image/png;base64,',
    ]);

    const expected = Buffer.concat([
      Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256)),
      Buffer.from('\r\n.\r\n..\x00end', 'latin1'),
    ]);
    const bin = await download('all-bytes.bin');
    expect(bin.name).toBe('all-bytes.bin');
    expect(bin.bytes.equals(expected)).toBe(true);

    const pdf = await download('报告.pdf');
    expect(pdf.name).toBe('报告.pdf');
    expect(pdf.bytes.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');

    const eml = await download('Download message (.eml)');
    expect(eml.name).toBe('Attachments sample.eml');
    expect(eml.bytes.equals(raw)).toBe(true);
  });

  it('downloads an HTML attachment with script instead of rendering it', async () => {
    session.resetObservations();
    await session.render(session.fixture('hostile/c18a-active-attachments.eml'));
    const pagesBefore = session.page.context().pages().length;
    const file = await download('page.html');
    expect(file.name).toBe('page.html');
    expect(file.bytes.toString('utf8')).toContain('<script>');
    await session.settle();
    expect(session.page.context().pages()).toHaveLength(pagesBefore);
    expect(session.page.url()).toBe(session.harness.url);
    expect(await session.markers()).toEqual({ top: undefined, frame: undefined });
    expect(session.dialogs).toEqual([]);
  });
});

async function download(name: string): Promise<{ name: string; bytes: Buffer }> {
  const [event] = await Promise.all([
    session.page.waitForEvent('download'),
    session.page.getByRole('link', { name, exact: true }).click(),
  ]);
  const path = await event.path();
  return { name: event.suggestedFilename(), bytes: await readFile(path) };
}

describe('overlay containment (payload class 13)', () => {
  // Regions of the app outside the message pane: the top bar and the sidebar.
  const REGIONS = [
    { x: 0, y: 0, width: 1100, height: 60 },
    { x: 0, y: 80, width: 190, height: 600 },
  ];
  const POINTS = [
    { x: 600, y: 20, id: 'chrome' },
    { x: 135, y: 18, id: 'app-button' },
    { x: 100, y: 400, id: 'app-sidebar' },
  ];

  async function outside(): Promise<{ shots: Buffer[]; hits: (string | null)[] }> {
    const shots = await Promise.all(REGIONS.map((clip) => session.page.screenshot({ clip })));
    const hits = await session.page.evaluate(
      (points) => points.map((p) => document.elementFromPoint(p.x, p.y)?.id ?? null),
      POINTS,
    );
    return { shots, hits };
  }

  it('paints nothing outside the frame, even when fixed positioning survives', async () => {
    await session.page.evaluate(() => window.harness.clear());
    const baseline = await outside();
    expect(baseline.hits).toEqual(POINTS.map((p) => p.id));

    // Worst case: no sanitizer, only the frame. Fixed, huge, negative, top z-index.
    const overlay = `<!DOCTYPE html><body style="margin:0">
      <div style="position:fixed;inset:-5000px;z-index:2147483647;background:#c00"></div>
      <div style="position:absolute;top:-3000px;left:-3000px;width:9000px;height:9000px;background:rgba(0,0,255,.5)"></div>
      <div style="margin:-2000px 0 0 -2000px;width:6000px;height:3000px;background:#0a0"></div>
      <p style="position:fixed;top:0;left:0;font-size:40px;color:#fff">Your session expired</p></body>`;
    await session.page.evaluate(([doc, sandbox]) => window.harness.renderRawFrame(doc, sandbox), [
      overlay,
      SANDBOX_TOKENS.join(' '),
    ] as const);
    await session.settle(100);
    await session.page.screenshot({ path: join(SCREENSHOTS, 'overlay-unsanitized.png') });
    const raw = await outside();
    expect(raw.hits).toEqual(POINTS.map((p) => p.id));
    raw.shots.forEach((shot, i) =>
      expect(shot.equals(baseline.shots[i] as Buffer), `region ${i}`).toBe(true),
    );

    // And through the real pipeline.
    await session.render(session.fixture('hostile/c13a-position-fixed.eml'));
    await session.page.screenshot({ path: join(SCREENSHOTS, 'overlay-sanitized.png') });
    const sanitized = await outside();
    expect(sanitized.hits).toEqual(POINTS.map((p) => p.id));
    sanitized.shots.forEach((shot, i) =>
      expect(shot.equals(baseline.shots[i] as Buffer)).toBe(true),
    );
  });
});

describe('MIME worker limits (docs/security.md #41)', () => {
  it('refuses a message over the raw size cap before parsing', async () => {
    const report = await session.render(session.fixture('samples/chinese-gbk.eml'), {
      maxRawBytes: 100,
    });
    expect(report.error?.code).toBe('MIME_TOO_LARGE');
  });

  it('rejects a 300-deep multipart with a typed error', async () => {
    let body = 'x';
    for (let depth = 300; depth > 0; depth--) {
      body = `Content-Type: multipart/mixed; boundary="b${depth}"\r\n\r\n--b${depth}\r\n${body}\r\n--b${depth}--`;
    }
    const report = await session.render(Buffer.from(`Subject: deep\r\n${body}\r\n`));
    expect(report.error?.code).toBe('MIME_PARSE_FAILED');
  });

  it('terminates a parse past its time limit, then parses the next message in a new worker', async () => {
    const big = Buffer.from(
      `Subject: big\r\nContent-Type: text/plain\r\n\r\n${'a quite long line of text\r\n'.repeat(40_000)}`,
    );
    const slow = await session.render(big, { timeoutMs: 5 });
    expect(slow.error?.code).toBe('MIME_TIMEOUT');
    const next = await session.render(session.fixture('samples/chinese-gbk.eml'));
    expect(next.error).toBeNull();
    expect(next.subject).toBe('会议通知');
  });
});

describe('without the app CSP (controls and the frame CSP backstop)', () => {
  beforeAll(async () => {
    await session.page.goto(`${session.harness.url}?csp=0`);
  });

  it('control: the detectors do see a script that runs (frame allowed to script)', async () => {
    session.resetObservations();
    const port = session.remote.port;
    const payload = `<img src=x onerror="window.__pwned=1;new Image().src='http://127.0.0.1:${port}/pwned-control'">`;
    await session.page.evaluate(([doc]) => window.harness.renderRawFrame(doc, 'allow-scripts'), [
      payload,
    ] as const);
    await session.settle();
    expect((await session.markers()).frame).toBe(1);
    expect(session.remote.requests.map((r) => r.path)).toEqual(['/pwned-control']);
  });

  it('control: the message sandbox alone stops the same script', async () => {
    session.resetObservations();
    const port = session.remote.port;
    const payload = `<img src=x onerror="window.__pwned=1;new Image().src='http://127.0.0.1:${port}/pwned-control'">`;
    await session.page.evaluate(([doc, sandbox]) => window.harness.renderRawFrame(doc, sandbox), [
      payload,
      SANDBOX_TOKENS.join(' '),
    ] as const);
    await session.settle();
    expect(await session.markers()).toEqual({ top: undefined, frame: undefined });
    expect(session.remote.requests).toEqual([]);
  });

  it('with the sanitizer switched off, the frame CSP and sandbox still stop every load and script (docs/security.md #45)', async () => {
    const files = readdirSync(join(FIXTURES, 'hostile')).filter((f) =>
      /^c(0[1-9]|1[0-4]|18)/.test(f),
    );
    for (const file of files) {
      session.resetObservations();
      await session.page.evaluate(([b64]) => window.harness.renderUnsanitized(b64), [
        session.fixture(`hostile/${file}`).toString('base64'),
      ] as const);
      await session.settle(100);
      expect(
        session.remote.requests.map((r) => r.path),
        file,
      ).toEqual([]);
      expect(await session.markers(), file).toEqual({ top: undefined, frame: undefined });
      expect(session.dialogs, file).toEqual([]);
      expect(session.page.url(), file).toBe(`${session.harness.url}?csp=0`);
    }
  });
});
