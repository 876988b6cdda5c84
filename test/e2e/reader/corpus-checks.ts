// What every hostile fixture must look like once rendered, in any engine: the
// browser-independent checks of a RenderReport, and the corpus constants the
// reader, app and cross-browser suites share.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { RecordedRequest } from '../../support/browser.ts';
import type { RenderReport } from '../../support/reader-harness/api.ts';
import type { EXPECTATIONS } from './expectations.ts';

export const HOSTILE = fileURLToPath(new URL('../../fixtures/mail/hostile', import.meta.url));
export const FILES = readdirSync(HOSTILE)
  .filter((name) => name.endsWith('.eml'))
  .sort();
/**
 * The frame's sandbox. Same-origin lets the page size the frame and hear its keys;
 * with no allow-scripts nothing in the mail can use that origin (docs/security.md #42).
 */
export const SANDBOX_TOKENS = [
  'allow-popups',
  'allow-popups-to-escape-sandbox',
  'allow-same-origin',
];
/**
 * After "Show remote content" the frame is opaque again: Chromium sends the app's
 * address as Referer with CSS images of a same-origin document (message-frame.tsx).
 */
export const REMOTE_SANDBOX_TOKENS = ['allow-popups', 'allow-popups-to-escape-sandbox'];
export const FORBIDDEN_IN_FRAME = 'script,svg,math,style,form,base,meta,link,iframe,object,embed';
export const FRAME_CSP =
  "default-src 'none'; img-src data: blob:; style-src 'unsafe-inline'; font-src data:; form-action 'none'; base-uri 'none'";

/** C0/C1 controls, DEL, and bidi formatting characters (docs/security.md #52). */
export function hasBidiOrControl(text: string): boolean {
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

/** The harness's own report: sanitizer output, links, headers, attachments. */
export function assertReport(
  report: RenderReport,
  expected: NonNullable<(typeof EXPECTATIONS)[string]>,
): void {
  expect(report.error).toBeNull();
  expect(report.kind).toBe(expected.kind);

  // Headers are text (docs/security.md #52).
  expect(new Set(report.headerElements)).toEqual(new Set(['h2', 'bdi', 'dl', 'div', 'dt', 'dd']));
  if (expected.subject !== undefined) expect(report.subject).toBe(expected.subject);
  for (const text of expected.headerText ?? []) expect(report.headerText).toContain(text);

  if (expected.kind === 'html') {
    const doc = report.document;
    if (!doc) throw new Error('no frame document');
    // Sanitizer output (docs/security.md #43), as this engine's DOMParser reads it back.
    expect(doc.forbidden).toEqual([]);
    expect(doc.handlers).toEqual([]);
    expect(doc.csp).toBe(FRAME_CSP);
    expect(report.frameTitle).toBe('Message body');
    expect(report.sandbox?.split(/\s+/).sort()).toEqual(SANDBOX_TOKENS);
    // Links (docs/security.md #50).
    expect(doc.anchors.map((a) => a.href)).toEqual(expected.anchors ?? []);
    expect(doc.anchors.map((a) => a.warning)).toEqual(
      expected.linkWarnings ?? doc.anchors.map(() => null),
    );
    for (const anchor of doc.anchors) {
      expect(anchor.target).toBe('_blank');
      expect(anchor.rel).toBe('noopener noreferrer');
    }
    // Nothing remote, relative or scripted in any URL attribute (docs/security.md #46).
    for (const url of doc.urls) {
      if (url.startsWith('a[href]=') || url.startsWith('area[href]=')) {
        expect(url).toMatch(/^(a|area)\[href\]=(https?|mailto):/);
      } else {
        expect(url).toMatch(/\]=data:image\/(png|gif|jpeg|webp);/);
      }
    }
    for (const style of doc.styles) expect(style).not.toMatch(/url\(|image|@import|fixed|sticky/i);
    expect(doc.images.filter((i) => i.src?.startsWith('data:image/')).length).toBe(
      expected.inlineImages ?? 0,
    );
    expect(doc.images.filter((i) => i.cidMissing).length).toBe(expected.cidPlaceholders ?? 0);
    for (const image of doc.images) expect(image.referrerpolicy).toBe('no-referrer');
  } else {
    // Plain text (docs/security.md #51).
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

  // Attachments are download-only (docs/security.md #48, #49, #52).
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
}

/**
 * Remote content (docs/security.md #46): exactly the expected images are offered,
 * and the bar says so when there are any. `port` is the recorder's.
 */
export function assertRemoteOffer(
  report: RenderReport,
  expected: NonNullable<(typeof EXPECTATIONS)[string]>,
  port: number,
): void {
  const origin = `https://127.0.0.1:${port}`;
  expect(report.remoteUrls.map((u) => u.replace(origin, '')).sort()).toEqual(
    [...(expected.remote ?? [])].sort(),
  );
  if (expected.remote?.length) {
    expect(report.blockedRemote).toBeGreaterThanOrEqual(expected.remote.length);
    expect(report.remoteBar).toContain('remote');
  } else {
    expect(report.remoteBar).toBeNull();
  }
}

/** After the opt-in: only the expected images were fetched, as images, without a Referer. */
export function assertRemoteLoads(
  requests: readonly RecordedRequest[],
  expected: NonNullable<(typeof EXPECTATIONS)[string]>,
): void {
  expect(requests.length).toBeGreaterThan(0);
  for (const request of requests) {
    expect(expected.remote).toContain(request.path);
    expect(request.headers.referer).toBeUndefined();
    expect(request.headers['sec-fetch-dest']).toBe('image');
    expect(request.method).toBe('GET');
  }
}
