// Resolves `cid:` references of an HTML body to inline images of the same message
// (docs/security.md #48). Only verified raster images become URLs; everything else is a
// placeholder. Pure data in, strings out: no DOM, no blob store.
import type { ParsedAttachment } from './message-types.ts';

/** Raster types we inline; SVG, HTML and XHTML never are (docs/security.md #48). */
export type RasterImageType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

// Magic numbers: a part labelled image/png that holds HTML (payload class 18) is
// refused rather than trusted on its label.
const SIGNATURES: Record<RasterImageType, (b: Uint8Array) => boolean> = {
  'image/png': (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  'image/jpeg': (b) => startsWith(b, [0xff, 0xd8, 0xff]),
  'image/gif': (b) => startsWith(b, [0x47, 0x49, 0x46, 0x38]) && (b[4] === 0x37 || b[4] === 0x39),
  'image/webp': (b) =>
    startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b.subarray(8), [0x57, 0x45, 0x42, 0x50]),
};

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.length <= bytes.length && prefix.every((value, i) => bytes[i] === value);
}

/** True when `mimeType` is an inlinable raster type and the bytes carry its signature. */
export function isRasterImage(mimeType: string, bytes: ArrayBuffer): boolean {
  const check = SIGNATURES[mimeType.toLowerCase() as RasterImageType] as
    ((b: Uint8Array) => boolean) | undefined;
  return check !== undefined && check(new Uint8Array(bytes));
}

/** Looks up inline images by Content-ID. */
export interface CidResolver {
  /** A `data:` URL for the image with this Content-ID, or null for a placeholder. */
  resolve(contentId: string): string | null;
  /** Parts shown inline so far, to leave out of the attachment list. */
  readonly resolved: ReadonlySet<ParsedAttachment>;
}

/** Options of {@link createCidResolver}. */
export interface CidResolverOptions {
  /** Total bytes of images inlined into one message; beyond it, placeholders. */
  maxTotalBytes?: number;
}

/**
 * Builds a resolver over the parts of one message. The first part carrying a
 * Content-ID wins (duplicates cannot swap in a second, hostile part), with a
 * case-insensitive fallback because mailers disagree on the case of the domain.
 *
 * Images become `data:` URLs, not blob URLs: the frame is an opaque-origin sandbox
 * and Chromium refuses to load the app's blob: URLs there ("Not allowed to load
 * local resource"). It also removes docs/security.md #48's worry that a blob URL carries the
 * app's origin when opened in a new tab.
 */
export function createCidResolver(
  parts: readonly ParsedAttachment[],
  options: CidResolverOptions = {},
): CidResolver {
  const exact = new Map<string, ParsedAttachment>();
  const folded = new Map<string, ParsedAttachment>();
  for (const part of parts) {
    if (!part.contentId) continue;
    if (!exact.has(part.contentId)) exact.set(part.contentId, part);
    const key = part.contentId.toLowerCase();
    if (!folded.has(key)) folded.set(key, part);
  }
  let budget = options.maxTotalBytes ?? 25 * 1024 * 1024;
  const cache = new Map<ParsedAttachment, string | null>();
  const resolved = new Set<ParsedAttachment>();
  return {
    resolved,
    resolve(contentId) {
      const part = exact.get(contentId) ?? folded.get(contentId.toLowerCase());
      if (!part) return null;
      let url = cache.get(part);
      if (url === undefined) {
        url = null;
        if (isRasterImage(part.mimeType, part.bytes) && part.size <= budget) {
          budget -= part.size;
          url = `data:${part.mimeType.toLowerCase()};base64,${toBase64(part.bytes)}`;
        }
        cache.set(part, url);
      }
      if (url !== null) resolved.add(part);
      return url;
    },
  };
}

/** Base64 of binary data, in chunks so a large image does not overflow the call stack. */
export function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  const chunks: string[] = [];
  for (let i = 0; i < bytes.length; i += 0x8000) {
    chunks.push(String.fromCharCode(...bytes.subarray(i, i + 0x8000)));
  }
  return btoa(chunks.join(''));
}
