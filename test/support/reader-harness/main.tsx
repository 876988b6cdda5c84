// Test-only page: uses the reader modules the way the app will (lazy import, worker
// parse, MessageContent) and reports what ended up on screen to test/e2e/reader.
import { trustedFrameHtml } from '../../../client/trusted-types.ts';
import { render } from 'preact';
import type * as ReaderModule from '../../../client/reader/index.ts';
import type { BlobRecord, DocumentReport, HarnessApi, RenderReport } from './api.ts';

let reader: Promise<typeof ReaderModule> | null = null;
const loadReader = (): Promise<typeof ReaderModule> =>
  (reader ??= import('../../../client/reader/index.ts'));

// Record blob URLs so tests can prove no text/html or SVG blob is ever made (docs/security.md #48).
const blobs: BlobRecord[] = [];
const createObjectURL = URL.createObjectURL.bind(URL);
URL.createObjectURL = (object: Blob | MediaSource) => {
  const url = createObjectURL(object);
  blobs.push({ url, type: object instanceof Blob ? object.type : 'mediasource' });
  return url;
};

const FORBIDDEN =
  'script,svg,math,style,form,base,meta,link,iframe,object,embed,input,button,textarea,select,video,audio,source,frame,frameset,template,noscript';
const URL_ATTRIBUTES = [
  'href',
  'src',
  'srcset',
  'background',
  'poster',
  'action',
  'formaction',
  'data',
  'ping',
  'xlink:href',
];

function analyze(html: string): DocumentReport {
  // The frame's own input, typed the way the frame gets it (the app CSP
  // enforces Trusted Types here too).
  const doc = new DOMParser().parseFromString(trustedFrameHtml(html), 'text/html');
  const all = Array.from(doc.querySelectorAll('*'));
  const first = doc.head.firstElementChild;
  return {
    forbidden: Array.from(doc.body.querySelectorAll(FORBIDDEN), (el) => el.outerHTML.slice(0, 120)),
    handlers: all.flatMap((el) =>
      el
        .getAttributeNames()
        .filter((name) => name.toLowerCase().startsWith('on'))
        .map((name) => `${el.localName}[${name}]`),
    ),
    head: Array.from(doc.head.children, (el) =>
      [
        el.localName,
        ...el
          .getAttributeNames()
          .filter((n) => n !== 'content')
          .map((n) => `${n}=${el.getAttribute(n)}`),
      ].join(' '),
    ),
    csp:
      first?.localName === 'meta' &&
      first.getAttribute('http-equiv')?.toLowerCase() === 'content-security-policy'
        ? first.getAttribute('content')
        : null,
    anchors: Array.from(doc.body.querySelectorAll('a, area'), (a) => ({
      href: a.getAttribute('href'),
      target: a.getAttribute('target'),
      rel: a.getAttribute('rel'),
      warning: a.getAttribute('data-link-warning'),
    })),
    images: Array.from(doc.body.querySelectorAll('img'), (img) => ({
      src: img.getAttribute('src')?.slice(0, 200) ?? null,
      srcset: img.getAttribute('srcset'),
      blocked: img.hasAttribute('data-remote-blocked'),
      cidMissing: img.hasAttribute('data-cid-missing'),
      referrerpolicy: img.getAttribute('referrerpolicy'),
    })),
    urls: all.flatMap((el) =>
      URL_ATTRIBUTES.flatMap((name) => {
        const value = el.getAttribute(name);
        return value === null ? [] : [`${el.localName}[${name}]=${value.slice(0, 200)}`];
      }),
    ),
    styles: Array.from(
      doc.body.querySelectorAll('[style]'),
      (el) => el.getAttribute('style') ?? '',
    ),
    text: doc.body.textContent,
  };
}

let loads = 0;
let onLoad: (() => void) | null = null;
let parser: ReaderModule.MessageParser | null = null;
let seq = 0;
let phase: ReturnType<HarnessApi['phase']> = 'idle';
const app = (): HTMLElement => document.getElementById('app') as HTMLElement;

function fromBase64(value: string): Uint8Array {
  // A plain loop: Uint8Array.from with a mapping function takes seconds on 10 MiB.
  const binary = atob(value);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function report(root: HTMLElement, error: RenderReport['error']): RenderReport {
  const frame = root.querySelector('iframe');
  const srcdoc = frame?.getAttribute('srcdoc') ?? null;
  const bar = root.querySelector('.message-frame-remote');
  const header = root.querySelector('.message-headers');
  const text = root.querySelector('.message-text');
  const blocked = /^(\d+)/.exec(bar?.textContent ?? '');
  return {
    error,
    subject: root.querySelector('.message-headers h2')?.textContent ?? '',
    kind: frame ? 'html' : text ? 'text' : 'none',
    sandbox: frame?.getAttribute('sandbox') ?? null,
    frameTitle: frame?.getAttribute('title') ?? null,
    srcdoc,
    remoteBar: bar?.textContent ?? null,
    blockedRemote: blocked ? Number(blocked[1]) : 0,
    remoteUrls: [],
    document: srcdoc === null ? null : analyze(srcdoc),
    headerElements: Array.from(header?.querySelectorAll('*') ?? [], (el) => el.localName),
    headerText: header?.textContent ?? '',
    textLinks: Array.from(text?.querySelectorAll('a') ?? [], (a) => ({
      href: a.getAttribute('href') ?? '',
      text: a.textContent,
      target: a.getAttribute('target'),
      rel: a.getAttribute('rel'),
    })),
    textElements: Array.from(text?.querySelectorAll('*') ?? [], (el) => el.localName),
    plainText: text?.textContent ?? '',
    attachments: Array.from(root.querySelectorAll('ul.attachments a'), (a) => ({
      name: a.getAttribute('aria-label'),
      text: a.textContent,
      download: a.getAttribute('download') ?? '',
      href: a.getAttribute('href') ?? '',
      type: a.getAttribute('type'),
    })),
    emlDownload:
      root.querySelector('a[download$=".eml"]:not(ul.attachments a)')?.getAttribute('download') ??
      null,
  };
}

const api: HarnessApi = {
  async render(rawBase64, limits) {
    const mod = await loadReader();
    parser ??= mod.createMessageParser();
    api.clear();
    let result: ReaderModule.ParseResult;
    const raw = fromBase64(rawBase64);
    phase = 'parsing';
    try {
      result = await parser.parse(raw, limits);
    } catch (error) {
      phase = 'idle';
      const e = error as { code?: string; message?: string };
      return report(app(), { code: e.code ?? 'UNKNOWN', message: e.message ?? '' });
    }
    phase = 'rendering';
    try {
      return await show(mod, result);
    } finally {
      phase = 'idle';
    }
  },
  async renderUnsanitized(rawBase64) {
    const mod = await loadReader();
    parser ??= mod.createMessageParser();
    const { message } = await parser.parse(fromBase64(rawBase64));
    // Test-only string building: the CSP meta goes first, before anything can load.
    const csp = `<meta http-equiv="Content-Security-Policy" content="${mod.frameCsp(false)}">`;
    await api.renderRawFrame(
      `<!DOCTYPE html>${csp}${message.html ?? ''}`,
      mod.MESSAGE_FRAME_SANDBOX,
    );
  },
  async renderRawFrame(srcdoc, sandbox) {
    api.clear();
    const frame = document.createElement('iframe');
    frame.title = 'Message body';
    frame.style.cssText = 'width: 100%; height: 600px; border: 0';
    if (sandbox !== null) frame.setAttribute('sandbox', sandbox);
    const loaded = new Promise<void>((resolve) => (frame.onload = () => resolve()));
    frame.srcdoc = trustedFrameHtml(srcdoc);
    app().append(frame);
    await loaded;
  },
  phase: () => phase,
  frameLoads: () => loads,
  blobs: () => blobs.slice(),
  loaded: () => ({ reader: reader !== null }),
  clear() {
    render(null, app());
    app().replaceChildren();
  },
};

/** Mounts a parsed message like the app and reports what is on screen. */
async function show(
  mod: typeof ReaderModule,
  result: ReaderModule.ParseResult,
): Promise<RenderReport> {
  const loaded = new Promise<void>((resolve) => (onLoad = resolve));
  render(
    <mod.MessageContent key={++seq} result={result} onFrameLoad={() => frameLoaded()} />,
    app(),
  );
  if (result.message.html !== null) {
    await Promise.race([loaded, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }
  const out = report(app(), null);
  if (result.message.html !== null) {
    // The same call MessageContent made, for the URL list the bar does not show.
    const check = mod.sanitizeMessageHtml(result.message.html, {
      allowRemote: false,
      cidImages: mod.createCidResolver(result.message.attachments),
    });
    out.remoteUrls = check.remoteUrls;
  }
  return out;
}

function frameLoaded(): void {
  loads++;
  onLoad?.();
  onLoad = null;
}

window.harness = api;
