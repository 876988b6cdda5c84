// Builds the srcdoc document of the message frame around already sanitized content:
// a meta CSP first (docs/security.md #45), no-referrer, a readable base style. The page is
// assembled as DOM and serialized once (docs/security.md #44); no HTML strings are spliced.

/**
 * The frame's own policy. It is the backstop if the sanitizer ever misses something:
 * nothing loads but inline images (data:) and inline styles. On opt-in only
 * `img-src` widens, to https images (docs/security.md #45): a plain-http image would
 * be mixed content on a TLS deployment, and tells any on-path observer what is
 * being read. A srcdoc frame also inherits the app's CSP, whose `img-src`
 * therefore allows https:.
 */
export function frameCsp(allowRemote: boolean): string {
  const img = allowRemote ? 'img-src data: blob: https:' : 'img-src data: blob:';
  return `default-src 'none'; ${img}; style-src 'unsafe-inline'; font-src data:; form-action 'none'; base-uri 'none'`;
}

/**
 * Readable defaults for mail that brings none, and the look of our own markers.
 * Mail HTML assumes a white page, so the frame stays light in dark mode.
 */
export const FRAME_BASE_CSS = `
:root { color-scheme: light; }
html { background: #fff; color: #1f1f1f; }
body {
  margin: 0; padding: 16px;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC",
    "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
  overflow-wrap: break-word;
}
img { max-width: 100%; height: auto; }
table { max-width: 100%; }
pre { white-space: pre-wrap; }
blockquote { margin: 0 0 0 0.5em; padding-left: 0.75em; border-left: 3px solid #ccc; }
img[data-remote-blocked], img[data-cid-missing] {
  display: inline-block; min-width: 24px; min-height: 24px;
  outline: 1px dashed #9a9a9a; outline-offset: -1px; background: #f2f2f2;
}
a[data-link-warning] { outline: 2px solid #b00020 !important; outline-offset: 1px !important; }
a[data-link-warning]::after {
  content: " \\26A0" !important; /* for engines without alternative text in content */
  content: " \\26A0" / "Warning: deceptive link" !important;
  display: inline !important; visibility: visible !important; opacity: 1 !important;
  color: #b00020 !important; background: #fff !important; font: bold 15px/1 system-ui !important;
}
`;

// Presentational attributes of the mail's <body> worth keeping. They were already
// through DOMPurify and our hooks (background classified, style filtered); every
// other body attribute is dropped (title/name carried CVE-2024-42009's payload).
const BODY_ATTRIBUTES = ['bgcolor', 'text', 'link', 'vlink', 'alink', 'background', 'style'];

/**
 * Moves the children of `content` (DOMPurify's RETURN_DOM body) into a fresh inert
 * document behind the meta CSP and returns it serialized, ready for `srcdoc`.
 */
export function buildFrameDocument(content: Node, options: { allowRemote: boolean }): string {
  // An inert document: no fetches, no scripts while we assemble, and built
  // without parsing a string (no Trusted Types sink).
  const doc = document.implementation.createHTMLDocument('');
  const head = doc.head;
  const csp = doc.createElement('meta');
  csp.setAttribute('http-equiv', 'Content-Security-Policy');
  csp.setAttribute('content', frameCsp(options.allowRemote));
  // The policy must come before anything that could load.
  head.prepend(csp);
  const referrer = doc.createElement('meta');
  referrer.setAttribute('name', 'referrer');
  referrer.setAttribute('content', 'no-referrer');
  head.append(referrer);
  const scheme = doc.createElement('meta');
  scheme.setAttribute('name', 'color-scheme');
  scheme.setAttribute('content', 'light');
  head.append(scheme);
  const style = doc.createElement('style');
  style.textContent = FRAME_BASE_CSS;
  head.append(style);
  if (content instanceof Element && content.localName === 'body') {
    for (const name of BODY_ATTRIBUTES) {
      const value = content.getAttribute(name);
      if (value !== null) doc.body.setAttribute(name, value);
    }
  }
  // One by one: spreading 100k child nodes into append() would overflow the stack.
  while (content.firstChild) doc.body.appendChild(content.firstChild);
  return `<!DOCTYPE html>${doc.documentElement.outerHTML}`;
}
