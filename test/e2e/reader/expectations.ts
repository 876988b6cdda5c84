// What each hostile fixture must look like once rendered, beyond the invariants
// every fixture shares (see hostile-corpus.test.ts). Keyed by file name.

/** Per-fixture expectations; absent fields mean "nothing of that kind". */
export interface FixtureExpectation {
  /** payload class. */
  cls: number;
  kind: 'html' | 'text';
  /** href of every anchor of the sanitized body, in order (null: kept without href). */
  anchors?: (string | null)[];
  /**
   * Deception marker of each anchor, in the order of `anchors` (docs/security.md #50); absent
   * means no anchor is marked.
   */
  linkWarnings?: ('mismatch' | 'idn' | null)[];
  /** Paths of remote images an opt-in may load; each is `/img-…`. */
  remote?: string[];
  /** Images shown from the message itself (data: URLs from cid: or data:image). */
  inlineImages?: number;
  /** cid: references left as placeholders. */
  cidPlaceholders?: number;
  /** hrefs of the links made in a plain-text body, in order. */
  textLinks?: string[];
  /** Accessible names of the attachment links, in order. */
  attachments?: string[];
  /** Names the attachments are saved under, in order. */
  downloads?: string[];
  /** Exact subject shown. */
  subject?: string;
  /** Text the header block must show as text. */
  headerText?: string[];
}

const P = 'window.__pwned=1;top.__pwned=1';
const img = (id: string, ...n: (number | string)[]): string[] => n.map((i) => `/img-${id}-${i}`);

export const EXPECTATIONS: Record<string, FixtureExpectation> = {
  'c01a-script-and-handlers.eml': { cls: 1, kind: 'html' },
  'c01b-owasp-evasion.eml': { cls: 1, kind: 'html' },
  'c01c-handler-spellings.eml': {
    cls: 1,
    kind: 'html',
    anchors: ['https://example.com/', 'https://example.com/'],
  },
  'c02a-javascript-schemes.eml': {
    cls: 2,
    kind: 'html',
    anchors: [null, null, null, null, null, null, 'https://good.example/'],
  },
  'c02b-entity-obfuscation.eml': {
    cls: 2,
    kind: 'html',
    anchors: [...Array<null>(10).fill(null), 'https://good.example/ok'],
  },
  'c02c-data-urls.eml': { cls: 2, kind: 'html', anchors: [null, null], inlineImages: 1 },
  'c03a-svg-use-space.eml': { cls: 3, kind: 'html' },
  'c03b-svg-use-newline-tab.eml': { cls: 3, kind: 'html' },
  'c03c-svg-use-remote.eml': { cls: 3, kind: 'html' },
  'c04a-animate-href.eml': { cls: 4, kind: 'html' },
  'c04b-set-xlink-href.eml': { cls: 4, kind: 'html' },
  'c04c-title-prefix.eml': { cls: 4, kind: 'html' },
  'c05a-animate-style.eml': { cls: 5, kind: 'html' },
  'c05b-animate-funciri.eml': { cls: 5, kind: 'html' },
  'c05c-unclosed-fill.eml': { cls: 5, kind: 'html' },
  'c06a-feimage.eml': { cls: 6, kind: 'html' },
  'c06b-image-use.eml': { cls: 6, kind: 'html' },
  'c06c-pattern-filter-chain.eml': { cls: 6, kind: 'html' },
  'c07a-svg-style-mxss.eml': { cls: 7, kind: 'html' },
  'c07b-math-mglyph.eml': { cls: 7, kind: 'html' },
  'c07c-noscript-depth-xmlns.eml': { cls: 7, kind: 'html' },
  'c08a-rawtext-breakouts.eml': { cls: 8, kind: 'html', anchors: Array<null>(8).fill(null) },
  'c08b-cdata.eml': { cls: 8, kind: 'html' },
  'c08c-comments.eml': { cls: 8, kind: 'html' },
  'c09a-body-attribute-42009.eml': { cls: 9, kind: 'html' },
  'c09b-attribute-strings.eml': { cls: 9, kind: 'html', anchors: ['https://example.com/'] },
  'c09c-legacy-body-css.eml': { cls: 9, kind: 'html', remote: img('c09c', 3) },
  'c10a-css-properties.eml': { cls: 10, kind: 'html', remote: img('c10a', 1, 2, 3, 4, 5, 15, 16) },
  'c10b-image-functions.eml': { cls: 10, kind: 'html' },
  'c10c-escapes-import.eml': { cls: 10, kind: 'html', remote: img('c10c', 6, 7, 8, 10, 12) },
  'c11a-background-attributes.eml': { cls: 11, kind: 'html', remote: img('c11a', 1, 2, 3, 4) },
  'c11b-srcset-media.eml': {
    cls: 11,
    kind: 'html',
    remote: img('c11b', 1, 2, 4, '11/track/open'),
  },
  'c11c-embeds-links-meta.eml': { cls: 11, kind: 'html', anchors: ['https://example.com/'] },
  'c13a-position-fixed.eml': { cls: 13, kind: 'html' },
  'c13b-style-selectors.eml': { cls: 13, kind: 'html' },
  'c13c-style-breakout.eml': { cls: 13, kind: 'html' },
  'c14a-cid-html-svg.eml': {
    cls: 14,
    kind: 'html',
    inlineImages: 1,
    cidPlaceholders: 2,
    attachments: ['attachment.bin'],
  },
  'c14b-cid-dangling-duplicate.eml': {
    cls: 14,
    kind: 'html',
    inlineImages: 2,
    cidPlaceholders: 4,
    attachments: ['attachment.bin', 'attachment.bin', 'attachment.png'],
  },
  'c14c-cid-css-link-mislabeled.eml': {
    cls: 14,
    kind: 'html',
    anchors: [null],
    cidPlaceholders: 1,
    attachments: ['attachment.png'],
  },
  'c15a-roundcube-43770.eml': { cls: 15, kind: 'text', textLinks: ['https://google.com/'] },
  'c15b-roundcube-35730.eml': { cls: 15, kind: 'text', textLinks: [] },
  'c15c-roundcube-54433.eml': { cls: 15, kind: 'text', textLinks: ['mailto:a@a.co'] },
  'c15d-url-tricks.eml': {
    cls: 15,
    kind: 'text',
    textLinks: [
      'https://example.com/',
      'https://example.com/',
      'https://example.com/&quot;onmouseover=&quot;x',
      'https://www.example.org/path',
      'mailto:someone@example.com?subject=hi',
      'mailto:plain@example.net',
      'https://example.net/x',
      'https://example.org/wiki/Foo_(bar)',
    ],
  },
  'c16a-header-html.eml': {
    cls: 16,
    kind: 'text',
    subject: '<img src=x onerror=alert(1)>',
    headerText: [
      '<script>top.__pwned=1</script> <from@example.test>',
      '<img src=x onerror=top.__pwned=1> <reply@example.test>',
      'evil <rtl@example.test>',
    ],
  },
  'c16b-filenames.eml': {
    cls: 16,
    kind: 'text',
    attachments: [
      '<svg onload=alert(1)>.txt',
      '../../../../etc/passwd',
      'evil\uFFFD.txt.exe',
      'invoicefdp.exe',
      `${'a'.repeat(300)}.pdf`,
      '.htaccess',
      'C:\\Windows\\win.ini',
    ],
    downloads: [
      '_svg onload=alert(1)_.txt',
      '_.._.._.._etc_passwd',
      'evil_.txt.exe',
      'invoicefdp.exe',
      `${'a'.repeat(141)}\u2026aaaa.pdf`,
      'htaccess',
      'C__Windows_win.ini',
    ],
  },
  'c16c-content-type-html.eml': {
    cls: 16,
    kind: 'text',
    attachments: [`<img src=x onerror=${P}>`, 'type.bin', 'a.html', 'attachment.bin'],
  },
  'c18a-active-attachments.eml': {
    cls: 18,
    kind: 'html',
    attachments: ['page.html', 'image.svg', 'page.xhtml', 'data.xml'],
  },
  'c18b-mislabeled-polyglot.eml': {
    cls: 18,
    kind: 'html',
    inlineImages: 1,
    cidPlaceholders: 1,
    attachments: ['photo.png'],
  },
  'c18c-rfc822-hostile.eml': {
    cls: 18,
    kind: 'html',
    anchors: ['mailto:inner@example.test'],
    remote: img('c18c', 1),
    attachments: ['forwarded.eml'],
  },
  'c12a-tracking-pixels.eml': {
    cls: 12,
    kind: 'html',
    anchors: ['https://example.com/unsubscribe'],
    remote: [
      '/img-c12a-1/track/open',
      '/img-c12a-2/o.gif',
      '/img-c12a-3/p.gif',
      '/img-c12a-4/p.gif',
      '/img-c12a-5/p.gif',
      '/img-c12a-6/notifications/beacon/AAAAB3NzaC1.gif',
      '/img-c12a-7/e/o/eyJ1IjoxfQ',
      '/img-c12a-8/bg.gif',
      '/img-c12a-9/pixel',
      '/img-c12a-10/open.png',
    ],
  },
  'c12b-hidden-preheader.eml': {
    cls: 12,
    kind: 'html',
    anchors: ['https://hidden.example/verify'],
    inlineImages: 1,
  },
  'c12c-white-on-white.eml': { cls: 12, kind: 'html', remote: ['/img-c12c-1/track/open'] },
  'c17a-text-href-mismatch.eml': {
    cls: 17,
    kind: 'html',
    anchors: [
      'https://evil.example/login',
      'https://paypal.com.evil.example/',
      'http://192.0.2.7/',
      'https://evil.example/',
      'https://bank.example@evil.example/',
      'https://evil.example/',
      'https://evil.example/',
      'https://evil.example/',
      'https://evil.example/',
      'https://www.example.com/news',
      'https://example.com/x',
      'https://news.example.com/',
      'https://example.com/',
    ],
    linkWarnings: [...Array<'mismatch'>(9).fill('mismatch'), null, null, null, null],
  },
  'c17b-idn-homograph.eml': {
    cls: 17,
    kind: 'html',
    anchors: [
      'https://xn--l-7sba6dbr.com/',
      'https://xn--pypal-4ve.com/',
      'https://paypal.com/',
      'https://xn--80ak6aa92e.com/',
      'https://www.xn--80ak6aa92e.com/',
      'https://xn--mnchen-3ya.example/',
      'https://example.org/',
      'https://example.org/',
    ],
    linkWarnings: ['idn', 'mismatch', 'mismatch', 'idn', 'mismatch', 'idn', null, null],
  },
  'c17c-tabnabbing-download-mailto.eml': {
    cls: 17,
    kind: 'html',
    anchors: [
      'https://example.com/a',
      'https://example.com/b',
      'https://example.com/c',
      'https://example.com/d',
      'https://files.example/invoice.pdf.exe',
      null,
      'mailto:x@evil.example?subject=hi',
      'mailto:?to=a@evil.example&body=see%20attached',
      'mailto:a@evil.example',
      'mailto:a@evil.example?cc=b@evil.example',
      'https://example.com/e',
    ],
  },
  'c19a-utf7.eml': {
    cls: 19,
    kind: 'html',
    headerText: ['+ADw-script+AD4-top.+AF8AXw-pwned=1+ADw-/script+AD4- <reader@example.test>'],
  },
  'c19b-charset-mismatch.eml': {
    cls: 19,
    kind: 'html',
    attachments: ['notes.txt', 'utf16.html', 'bom16be.txt'],
  },
  'c19c-invalid-bytes.eml': {
    cls: 19,
    kind: 'html',
    attachments: ['bad\uFFFD\uFFFD\uFFFDname.txt'],
    downloads: ['bad___name.txt'],
    headerText: ['Sender \uFFFD\uFFFD\uFFFD <sender@example.test>'],
  },
  'c20a-address-floods.eml': { cls: 20, kind: 'text' },
  'c20b-boundary-encoding-garbage.eml': {
    cls: 20,
    kind: 'text',
    attachments: ['garbage.bin', 'qp-garbage.bin', 'unknown-encoding.bin'],
  },
  // Past MAX_ELEMENT_DEPTH only text is kept: the deep link is its words, not an anchor.
  'c20c-dom-depth.eml': { cls: 20, kind: 'html', anchors: [] },
  'c21a-named-clobbering.eml': {
    cls: 21,
    kind: 'html',
    anchors: [
      'https://example.com/1',
      'https://example.com/2',
      'https://example.com/3',
      'https://example.com/4',
    ],
  },
  'c21b-clobber-collections.eml': {
    cls: 21,
    kind: 'html',
    anchors: [null, 'https://example.com/c', null, null, null, null, null, null],
  },
  'c21c-forged-markers.eml': {
    cls: 21,
    kind: 'html',
    anchors: ['https://example.com/'],
    inlineImages: 2,
    attachments: ['__proto__'],
  },
  'c22a-winmail-dat.eml': {
    cls: 22,
    kind: 'text',
    attachments: ['winmail.dat', 'WINMAIL.DAT'],
  },
  'c22b-tnef-loops-nesting.eml': {
    cls: 22,
    kind: 'html',
    cidPlaceholders: 1,
    attachments: ['winmail.dat', 'nested.dat', 'attachment.bin'],
  },
  'c22c-compressed-rtf-bomb.eml': {
    cls: 22,
    kind: 'text',
    attachments: ['winmail.dat', 'body.rtf'],
  },
};
