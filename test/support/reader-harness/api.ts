// What the reader harness page exposes as `window.harness`, shared by the page and
// the Playwright tests that drive it. Plain JSON in and out.

/** What was found in one frame document (a srcdoc string or the live frame). */
export interface DocumentReport {
  /** Elements of the forbidden set found in the body (must be empty). */
  forbidden: string[];
  /** `tag[attr]` for every attribute whose name starts with "on" (must be empty). */
  handlers: string[];
  /** The head, element by element: `meta[http-equiv=…]`, `style`, … */
  head: string[];
  /** CSP meta content, if the first element of head is one. */
  csp: string | null;
  anchors: {
    href: string | null;
    target: string | null;
    rel: string | null;
    warning: string | null;
  }[];
  images: {
    src: string | null;
    srcset: string | null;
    blocked: boolean;
    cidMissing: boolean;
    referrerpolicy: string | null;
  }[];
  /** Every URL-bearing attribute value still present, to look for remote hosts. */
  urls: string[];
  /** Inline styles still present. */
  styles: string[];
  text: string;
}

/** What the harness rendered for one message. */
export interface RenderReport {
  error: { code: string; message: string } | null;
  subject: string;
  kind: 'html' | 'text' | 'none';
  sandbox: string | null;
  frameTitle: string | null;
  srcdoc: string | null;
  remoteBar: string | null;
  blockedRemote: number;
  remoteUrls: string[];
  document: DocumentReport | null;
  /** Elements rendered inside the header block (tag names). */
  headerElements: string[];
  headerText: string;
  textLinks: { href: string; text: string; target: string | null; rel: string | null }[];
  textElements: string[];
  plainText: string;
  attachments: {
    name: string | null;
    text: string;
    download: string;
    href: string;
    type: string | null;
  }[];
  emlDownload: string | null;
}

/** A created blob URL and the type it was created with. */
export interface BlobRecord {
  url: string;
  type: string;
}

/** The page API. */
export interface HarnessApi {
  /** Parses raw bytes (base64) in the worker and renders the message like the app. */
  render(rawBase64: string, limits?: Record<string, number>): Promise<RenderReport>;
  /**
   * The sanitizer switched off (docs/security.md #45): the parsed HTML body goes into the
   * real message frame (same sandbox) behind only the frame's meta CSP.
   */
  renderUnsanitized(rawBase64: string): Promise<void>;
  /** Mounts a bare iframe with the given srcdoc and sandbox (control experiments). */
  renderRawFrame(srcdoc: string, sandbox: string | null): Promise<void>;
  /**
   * Where the current `render` is: `parsing` while the worker holds the message,
   * `rendering` while the page sanitizes and mounts it. Lets a test prove the page
   * answers while the worker parses.
   */
  phase(): 'idle' | 'parsing' | 'rendering';
  /** Number of message-frame load events so far. */
  frameLoads(): number;
  /** Blob URLs created by the page so far, with their types. */
  blobs(): BlobRecord[];
  /** Which lazily loaded modules are in memory. */
  loaded(): { reader: boolean };
  clear(): void;
}

declare global {
  interface Window {
    harness: HarnessApi;
    __pwned?: unknown;
  }
}
