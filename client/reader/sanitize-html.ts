// Turns an untrusted HTML body into the srcdoc of the message frame: DOMPurify with
// the HTML profile (docs/security.md #43), every rewrite in hooks on the DOM (44), remote
// content blocked until opt-in (46), cid: images inlined (48), links made safe (50).
// The only serialization is buildFrameDocument's; nothing edits the HTML as a string.
import DOMPurify, { type Config, type DOMPurify as Purifier } from 'dompurify';
import type { CidResolver } from './cid-images.ts';
import { filterInlineStyle } from './css-filter.ts';
import { buildFrameDocument } from './frame-document.ts';
import { annotateLink } from './link-warning.ts';
import {
  classifyUrl,
  contentIdFromUrl,
  parseSrcset,
  stripMailtoAttachments,
} from './url-policy.ts';

/** Options of {@link sanitizeMessageHtml}. */
export interface SanitizeOptions {
  /** The reader opted in to remote content for this message. */
  allowRemote: boolean;
  /** Resolves `cid:` to inline images of the same message; without it, placeholders. */
  cidImages?: CidResolver;
}

/** The frame document and what was held back. */
export interface SanitizedMessage {
  /** A complete HTML document for `<iframe srcdoc>`, meta CSP first. */
  html: string;
  /** Remote items (images, backgrounds) not loaded; 0 once remote content is allowed. */
  blockedRemote: number;
  /** Distinct remote URLs the message references that opting in loads. */
  remoteUrls: string[];
}

function words(list: string): string[] {
  return list.trim().split(/\s+/);
}

// docs/security.md #43, plus media, frames and the rest of the resource-loading elements
// of payload class 11; their text content is kept where DOMPurify keeps it.
const FORBID_TAGS = words(`
  style form input button textarea select meta base link iframe object embed
  frame frameset video audio source track portal svg math
`);

// Attributes that fetch, submit, autofocus, download or pop up, none of which mail
// needs; target and referrerpolicy are set by the hooks, never taken from the mail.
const FORBID_ATTR = words(`
  action formaction ping download poster srcdoc lowsrc dynsrc autofocus crossorigin
  integrity nonce loading popover popovertarget popovertargetaction command commandfor
  target referrerpolicy xlink:href
`);

// https/http, mailto and cid for URLs (docs/security.md #43). DOMPurify applies this regex
// to every non-URI-safe attribute, so the two trailing branches of its default stay:
// they pass plain values such as width="600" or align="center" (no scheme at all).
// Which URL may stay where is decided precisely in the hooks below.
const ALLOWED_URI_REGEXP = /^(?:(?:https?|mailto|cid):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;

const CONFIG: Config & { RETURN_DOM: true } = {
  USE_PROFILES: { html: true },
  FORBID_TAGS,
  FORBID_ATTR,
  ALLOWED_URI_REGEXP,
  ALLOW_DATA_ATTR: false, // our own data-* markers must not be forgeable by the mail
  ALLOW_UNKNOWN_PROTOCOLS: false,
  // Every id and name becomes `user-content-…` (payload class 21): no mail element can
  // shadow a property of the frame's window or document, whatever the value. In-mail
  // `#fragment` links cannot use them anyway: relative hrefs are removed.
  SANITIZE_NAMED_PROPS: true,
  RETURN_DOM: true,
};

const BACKGROUND_ELEMENTS = new Set(['body', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th']);

interface RunState {
  options: SanitizeOptions;
  blocked: number;
  remote: Set<string>;
}

let purifier: Purifier | null = null;
let run: RunState | null = null;

/**
 * Sanitizes an HTML body and wraps it in the frame document. Synchronous: the hooks
 * read per-call state, so calls cannot interleave.
 */
export function sanitizeMessageHtml(dirty: string, options: SanitizeOptions): SanitizedMessage {
  const purify = (purifier ??= createPurifier());
  run = { options, blocked: 0, remote: new Set() };
  try {
    const body = purify.sanitize(dirty, CONFIG);
    // Links are compared with their text only now that the text is final: in the
    // attribute hook an anchor's children are not sanitized yet (payload class 17).
    const anchors = body instanceof Element ? body.querySelectorAll('a[href]') : [];
    for (const anchor of anchors) {
      annotateLink(anchor, anchor.getAttribute('href') ?? '');
    }
    if (body instanceof Element) flattenDeepNesting(body);
    const html = buildFrameDocument(body, { allowRemote: options.allowRemote });
    return {
      html,
      blockedRemote: options.allowRemote ? 0 : run.blocked,
      remoteUrls: [...run.remote],
    };
  } finally {
    run = null;
  }
}

/**
 * Element depth kept below the frame document's own wrappers. Browsers flatten
 * deeper trees when they parse srcdoc (Chromium at 512, Firefox at 513), so
 * the frame would build a different tree from the one sanitized (payload
 * class 7, nesting past 255). Deeper content is kept as its text.
 */
export const MAX_ELEMENT_DEPTH = 200;

function flattenDeepNesting(root: Element): void {
  // Iterative: a recursive walk is what a nesting bomb would overflow.
  const stack: Array<[Element, number]> = [[root, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [element, depth] = next;
    if (depth >= MAX_ELEMENT_DEPTH) {
      const text = element.textContent;
      element.replaceChildren(text);
      continue;
    }
    for (const child of element.children) stack.push([child, depth + 1]);
  }
}

function createPurifier(): Purifier {
  // A private instance: hooks on the global one would leak into other callers.
  const purify = DOMPurify(window);
  // An unsupported DOMPurify returns its input untouched; refuse rather than render it.
  if (!purify.isSupported) throw new Error('HTML sanitizer unavailable in this browser');
  purify.addHook('uponSanitizeAttribute', (_node, data) => {
    if (!run || data.attrName !== 'style') return;
    const filtered = filterInlineStyle(data.attrValue, run.options.allowRemote);
    noteRemote(filtered.remoteUrls);
    data.attrValue = filtered.css;
    if (filtered.css === '') data.keepAttr = false;
  });
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (!run) return;
    const tag = node.nodeName.toLowerCase();
    if (node.hasAttribute('background')) {
      // Only these elements paint a background attribute; elsewhere it is noise
      // we would otherwise list as a remote item that never loads.
      if (BACKGROUND_ELEMENTS.has(tag)) rewriteImageUrl(node, 'background');
      else node.removeAttribute('background');
    }
    if (tag === 'img') {
      rewriteImageUrl(node, 'src');
      rewriteSrcset(node);
      node.setAttribute('referrerpolicy', 'no-referrer');
    } else if (node.hasAttribute('src')) {
      node.removeAttribute('src');
    }
    if (tag === 'a' || tag === 'area') rewriteLink(node);
    else if (node.hasAttribute('href')) node.removeAttribute('href');
  });
  return purify;
}

function noteRemote(urls: readonly string[]): void {
  if (!run) return;
  for (const url of urls) run.remote.add(url);
  if (!run.options.allowRemote) run.blocked += urls.length;
}

/** img src and the legacy `background` attribute (payload classes 11 and 14). */
function rewriteImageUrl(node: Element, attr: 'src' | 'background'): void {
  const value = node.getAttribute(attr);
  if (value === null || !run) return;
  const target = classifyUrl(value);
  if (target.kind === 'remote') {
    noteRemote([target.url]);
    if (run.options.allowRemote) {
      // Written back normalized, so the browser loads exactly what we listed.
      node.setAttribute(attr, target.url);
      return;
    }
    node.removeAttribute(attr);
    if (attr === 'src') node.setAttribute('data-remote-blocked', '');
    return;
  }
  if (target.kind === 'cid') {
    const id = contentIdFromUrl(value);
    const inline = id === null ? null : (run.options.cidImages?.resolve(id) ?? null);
    if (inline !== null) {
      node.setAttribute(attr, inline);
      return;
    }
    node.removeAttribute(attr);
    if (attr === 'src') node.setAttribute('data-cid-missing', '');
    return;
  }
  if (target.kind === 'data-image') return;
  node.removeAttribute(attr);
}

/** srcset survives only on opt-in and only when every candidate is http(s). */
function rewriteSrcset(node: Element): void {
  const value = node.getAttribute('srcset');
  if (value === null || !run) return;
  node.removeAttribute('srcset');
  const candidates = parseSrcset(value).map((c) => ({ ...c, target: classifyUrl(c.url) }));
  if (candidates.length === 0 || candidates.some((c) => c.target.kind !== 'remote')) return;
  noteRemote(candidates.map((c) => c.target.url));
  if (!run.options.allowRemote) {
    node.setAttribute('data-remote-blocked', '');
    return;
  }
  const rebuilt = candidates.map((c) =>
    c.descriptor ? `${c.target.url} ${c.descriptor}` : c.target.url,
  );
  node.setAttribute('srcset', rebuilt.join(', '));
}

/**
 * Every anchor opens in a new, unrelated tab (reverse tabnabbing); only http(s) and
 * mailto hrefs survive, cid: and relative ones go (docs/security.md #50, payload classes 14
 * and 17). Deceptive links are marked later, by annotateLink on the finished DOM.
 */
function rewriteLink(node: Element): void {
  const value = node.getAttribute('href');
  if (value !== null) {
    const target = classifyUrl(value);
    if (target.kind === 'remote') {
      node.setAttribute('href', target.url);
    } else if (target.kind === 'mailto') {
      node.setAttribute('href', stripMailtoAttachments(target.url));
    } else {
      node.removeAttribute('href');
    }
  }
  node.setAttribute('target', '_blank');
  node.setAttribute('rel', 'noopener noreferrer');
}
