// cid: resolution rules (docs/security.md #48, payload class 14): only verified raster
// parts of the same message become images; everything else is a placeholder.
import { describe, expect, it } from 'vitest';
import { createCidResolver, isRasterImage, toBase64 } from '../../../client/reader/cid-images.ts';
import type { ParsedAttachment } from '../../../client/reader/message-types.ts';
import { contentIdFromUrl } from '../../../client/reader/url-policy.ts';

const PNG = Uint8Array.from(
  atob(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  ),
  (c) => c.charCodeAt(0),
);
const SIGNATURES: Record<string, number[]> = {
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0],
  'image/jpeg': [0xff, 0xd8, 0xff, 0xe0],
  'image/gif': Array.from('GIF89a', (c) => c.charCodeAt(0)),
  'image/webp': Array.from('RIFF\0\0\0\0WEBPVP8 ', (c) => c.charCodeAt(0)),
};

function part(contentId: string | null, mimeType: string, bytes: Uint8Array): ParsedAttachment {
  const buffer = bytes.slice().buffer;
  return {
    filename: null,
    mimeType,
    size: buffer.byteLength,
    contentId,
    disposition: 'inline',
    description: '',
    related: true,
    rfc822DepthExceeded: false,
    bytes: buffer,
  };
}
const html = new TextEncoder().encode('<script>top.__pwned=1</script>');
const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');

describe('isRasterImage', () => {
  it.each(Object.entries(SIGNATURES))('accepts %s with its signature', (type, bytes) => {
    expect(isRasterImage(type, new Uint8Array(bytes).buffer)).toBe(true);
    expect(isRasterImage(type.toUpperCase(), new Uint8Array(bytes).buffer)).toBe(true);
  });

  it('refuses SVG, HTML, XHTML and labels that lie', () => {
    expect(isRasterImage('image/svg+xml', svg.buffer)).toBe(false);
    expect(isRasterImage('text/html', html.buffer)).toBe(false);
    expect(isRasterImage('application/xhtml+xml', html.buffer)).toBe(false);
    expect(isRasterImage('image/png', html.buffer)).toBe(false);
    expect(isRasterImage('image/gif', new Uint8Array(SIGNATURES['image/png'] ?? []).buffer)).toBe(
      false,
    );
    expect(isRasterImage('image/bmp', new TextEncoder().encode('BM').buffer)).toBe(false);
    expect(isRasterImage('image/png', new ArrayBuffer(0))).toBe(false);
  });
});

describe('createCidResolver', () => {
  it('inlines a raster part as a data: URL of its own type', () => {
    const resolver = createCidResolver([part('logo@x', 'image/png', PNG)]);
    expect(resolver.resolve('logo@x')).toBe(`data:image/png;base64,${toBase64(PNG.buffer)}`);
    expect(resolver.resolved.size).toBe(1);
  });

  it('never turns HTML, SVG or XHTML parts into URLs', () => {
    const resolver = createCidResolver([
      part('a@x', 'text/html', html),
      part('b@x', 'image/svg+xml', svg),
      part('c@x', 'application/xhtml+xml', html),
      part('d@x', 'image/png', html),
    ]);
    for (const id of ['a@x', 'b@x', 'c@x', 'd@x']) expect(resolver.resolve(id)).toBeNull();
    expect(resolver.resolved.size).toBe(0);
  });

  it('gives placeholders for unknown ids and lets the first duplicate win', () => {
    const resolver = createCidResolver([
      part('dup1@x', 'image/png', PNG),
      part('dup1@x', 'image/svg+xml', svg),
      part('dup2@x', 'image/svg+xml', svg),
      part('dup2@x', 'image/png', PNG),
    ]);
    expect(resolver.resolve('missing@x')).toBeNull();
    expect(resolver.resolve('dup1@x')).toMatch(/^data:image\/png;base64,/);
    expect(resolver.resolve('dup2@x')).toBeNull();
  });

  it('falls back to a case-insensitive match and treats odd ids as plain strings', () => {
    const resolver = createCidResolver([
      part('Logo@Example.TEST', 'image/png', PNG),
      part('../../etc/passwd', 'image/png', PNG),
      part('"quoted"@x', 'image/png', PNG),
    ]);
    expect(resolver.resolve('logo@example.test')).not.toBeNull();
    expect(resolver.resolve('../../etc/passwd')).not.toBeNull();
    expect(resolver.resolve('"quoted"@x')).not.toBeNull();
    expect(resolver.resolve('..')).toBeNull();
  });

  it('stops inlining past its byte budget', () => {
    const resolver = createCidResolver(
      [part('a@x', 'image/png', PNG), part('b@x', 'image/png', PNG)],
      {
        maxTotalBytes: PNG.byteLength,
      },
    );
    expect(resolver.resolve('a@x')).not.toBeNull();
    expect(resolver.resolve('b@x')).toBeNull();
  });
});

describe('contentIdFromUrl', () => {
  it.each([
    ['cid:part1@example', 'part1@example'],
    ['CID:part1%40example', 'part1@example'],
    ['  cid:<x@y>  ', 'x@y'],
    ['cid:..%2F..%2Fetc%2Fpasswd', '../../etc/passwd'],
    ['cid:%22quoted%22@x', '"quoted"@x'],
    ['cid:100%', '100%'],
    ['cid:', null],
    ['https://x/cid:a', null],
  ])('%j → %j', (url, id) => {
    expect(contentIdFromUrl(url)).toBe(id);
  });
});
