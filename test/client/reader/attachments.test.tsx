// Attachment links and the .eml download (docs/security.md #49, #52): links named by the
// file name, octet-stream blobs with exact bytes, object URLs revoked on unmount.
import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AttachmentList,
  DownloadMessageLink,
  createDownload,
  listedAttachments,
} from '../../../client/reader/attachments.tsx';
import type { ParsedAttachment } from '../../../client/reader/message-types.ts';

function part(filename: string | null, mimeType: string, bytes: number[]): ParsedAttachment {
  const buffer = new Uint8Array(bytes).buffer;
  return {
    filename,
    mimeType,
    size: buffer.byteLength,
    contentId: null,
    disposition: 'attachment',
    description: '',
    related: false,
    rfc822DepthExceeded: false,
    bytes: buffer,
  };
}

let blobs: Map<string, Blob>;
let revoked: string[];
let root: HTMLElement;

beforeEach(() => {
  blobs = new Map();
  revoked = [];
  let n = 0;
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    const url = `blob:test/${n++}`;
    blobs.set(url, blob as Blob);
    return url;
  });
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation((url) => void revoked.push(url));
  root = document.createElement('div');
  document.body.append(root);
});

afterEach(() => {
  render(null, root);
  root.remove();
  vi.restoreAllMocks();
});

describe('AttachmentList', () => {
  it('renders one download link per attachment, named by its file name', async () => {
    const parts = [
      part('report.pdf', 'application/pdf', [1, 2, 3]),
      part('<svg onload=alert(1)>.txt', 'text/plain', [4]),
      part('photo\u202Egpj.exe', 'text/html', [5]),
      part(null, 'message/rfc822', [6]),
    ];
    render(<AttachmentList attachments={parts} />, root);
    const links = Array.from(root.querySelectorAll('a'));
    expect(links.map((a) => a.getAttribute('aria-label'))).toEqual([
      'report.pdf',
      '<svg onload=alert(1)>.txt',
      'photogpj.exe',
      'attachment.eml',
    ]);
    expect(links.map((a) => a.getAttribute('download'))).toEqual([
      'report.pdf',
      '_svg onload=alert(1)_.txt',
      'photogpj.exe',
      'attachment.eml',
    ]);
    expect(root.querySelector('svg, img, script')).toBeNull();
    expect(root.querySelector('ul')?.getAttribute('aria-label')).toBe('Attachments');
    for (const link of links) {
      expect(link.getAttribute('type')).toBe('application/octet-stream');
      const blob = blobs.get(link.getAttribute('href') ?? '');
      expect(blob?.type).toBe('application/octet-stream');
    }
    const first = blobs.get(links[0]?.getAttribute('href') ?? '');
    expect(Array.from(new Uint8Array(await (first as Blob).arrayBuffer()))).toEqual([1, 2, 3]);
    expect(root.textContent).toContain('text/html');
    expect(root.textContent).toContain('3 B');
  });

  it('shortens long names on screen but not in the accessible name', () => {
    const name = `${'a'.repeat(200)}.pdf`;
    render(<AttachmentList attachments={[part(name, 'application/pdf', [1])]} />, root);
    const link = root.querySelector('a');
    expect(link?.getAttribute('aria-label')).toBe(name);
    expect(Array.from(link?.textContent ?? '')).toHaveLength(60);
    expect(link?.textContent.endsWith('.pdf')).toBe(true);
  });

  it('revokes its object URLs when unmounted', () => {
    render(
      <AttachmentList
        attachments={[part('a.txt', 'text/plain', [1]), part('b.txt', 'text/plain', [2])]}
      />,
      root,
    );
    const urls = Array.from(root.querySelectorAll('a'), (a) => a.getAttribute('href'));
    render(null, root);
    expect(revoked.sort()).toEqual(urls.sort());
  });

  it('renders nothing without attachments', () => {
    render(<AttachmentList attachments={[]} />, root);
    expect(root.innerHTML).toBe('');
  });
});

describe('listedAttachments', () => {
  it('leaves out exactly the parts shown inline', () => {
    const a = part('a.png', 'image/png', [1]);
    const b = part('b.png', 'image/png', [1]);
    expect(listedAttachments([a, b], new Set([a]))).toEqual([b]);
  });
});

describe('DownloadMessageLink', () => {
  it('offers the raw bytes as <subject>.eml', async () => {
    const raw = new Uint8Array([0x46, 0x72, 0x6f, 0x6d, 0x3a, 0x00, 0xff]);
    render(<DownloadMessageLink raw={raw} subject={'Re: Q3 / "plan" <draft>'} />, root);
    const link = root.querySelector('a');
    expect(link?.textContent).toBe('Download message (.eml)');
    expect(link?.getAttribute('download')).toBe('Re_ Q3 _ _plan_ _draft_.eml');
    const blob = blobs.get(link?.getAttribute('href') ?? '') as Blob;
    expect(blob.type).toBe('application/octet-stream');
    expect(Array.from(new Uint8Array(await blob.arrayBuffer()))).toEqual(Array.from(raw));
  });

  it('falls back to message.eml', () => {
    render(<DownloadMessageLink raw={new Uint8Array([1])} subject={'  '} />, root);
    expect(root.querySelector('a')?.getAttribute('download')).toBe('message.eml');
  });
});

describe('createDownload', () => {
  it('wraps bytes in an octet-stream blob and can revoke it', () => {
    const download = createDownload(new Uint8Array([1]), 'x.bin');
    expect(blobs.get(download.url)?.type).toBe('application/octet-stream');
    download.revoke();
    expect(revoked).toEqual([download.url]);
  });
});
