// Attachment list and "Download message (.eml)": every file is offered as a download
// of exact bytes typed application/octet-stream, never previewed or rendered in the
// app's origin (docs/security.md #49; CVE-2026-35539, CVE-2020-13965). Names are text.
import type { JSX } from 'preact';
import { useLayoutEffect, useMemo } from 'preact/hooks';
import {
  displayFileName,
  downloadFileName,
  formatSize,
  neutralizeText,
  safeFileName,
  shortenMiddle,
} from './display-text.ts';
import type { ParsedAttachment } from './message-types.ts';

/** A prepared download: an object URL plus the name to save it under. */
export interface Download {
  url: string;
  filename: string;
  revoke(): void;
}

/**
 * Wraps bytes in an `application/octet-stream` blob: whatever the sender claimed
 * (text/html, image/svg+xml), the browser only ever saves it.
 */
export function createDownload(bytes: ArrayBuffer | Uint8Array, filename: string): Download {
  const blob = new Blob([bytes as BlobPart], { type: 'application/octet-stream' });
  const url = URL.createObjectURL(blob);
  return { url, filename, revoke: () => URL.revokeObjectURL(url) };
}

/** The attachments worth listing: parts already shown inline in the body are left out. */
export function listedAttachments(
  parts: readonly ParsedAttachment[],
  shownInline: ReadonlySet<ParsedAttachment> = new Set(),
): ParsedAttachment[] {
  return parts.filter((part) => !shownInline.has(part));
}

/** Creates object URLs for the lifetime of the component and revokes them after. */
function useDownloads(
  items: readonly { bytes: ArrayBuffer | Uint8Array; name: string }[],
): Download[] {
  const downloads = useMemo(
    () => items.map((item) => createDownload(item.bytes, item.name)),
    [items],
  );
  // A layout effect registers the cleanup in the same commit, so URLs of a list that
  // unmounts before the next frame are still revoked.
  useLayoutEffect(() => () => downloads.forEach((download) => download.revoke()), [downloads]);
  return downloads;
}

/** Props of {@link AttachmentList}. */
export interface AttachmentListProps {
  attachments: readonly ParsedAttachment[];
  /** Accessible name of the list. */
  label?: string;
}

/**
 * One link per attachment, named by its (neutralized) file name, with type and
 * size as text. Nothing in a name or type can become markup.
 */
export function AttachmentList({
  attachments,
  label = 'Attachments',
}: AttachmentListProps): JSX.Element | null {
  const items = useMemo(
    () =>
      attachments.map((part) => ({
        bytes: part.bytes,
        name: downloadFileName(
          part.filename ?? (part.rfc822DepthExceeded ? 'message.eml' : null),
          part.mimeType,
        ),
      })),
    [attachments],
  );
  const downloads = useDownloads(items);
  if (attachments.length === 0) return null;
  return (
    <ul class="attachments" aria-label={label}>
      {attachments.map((part, i) => {
        const fullName = neutralizeText(part.filename ?? '') || (items[i]?.name ?? '');
        return (
          <li key={i}>
            <a
              href={downloads[i]?.url}
              download={downloads[i]?.filename}
              type="application/octet-stream"
              aria-label={fullName}
            >
              <bdi>{displayFileName(part.filename, part.mimeType)}</bdi>
            </a>{' '}
            <span class="attachment-type">{shortenMiddle(neutralizeText(part.mimeType), 40)}</span>{' '}
            <span class="attachment-size">{formatSize(part.size)}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** Props of {@link DownloadMessageLink}. */
export interface DownloadMessageLinkProps {
  /** The raw message exactly as retrieved (ParseResult.raw). */
  raw: Uint8Array;
  /** Subject, used for the file name. */
  subject: string;
  label?: string;
}

/** "Download message (.eml)": the raw bytes, saved as `<subject>.eml`. */
export function DownloadMessageLink({
  raw,
  subject,
  label = 'Download message (.eml)',
}: DownloadMessageLinkProps): JSX.Element {
  const items = useMemo(() => {
    const stem = safeFileName(shortenMiddle(subject.trim(), 80));
    return [{ bytes: raw, name: `${stem || 'message'}.eml` }];
  }, [raw, subject]);
  const [download] = useDownloads(items);
  return (
    <a href={download?.url} download={download?.filename} type="application/octet-stream">
      {label}
    </a>
  );
}
