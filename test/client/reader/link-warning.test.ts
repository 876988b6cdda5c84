// Link deception checks (docs/security.md #50, payload class 17): text that shows one host
// while the href goes to another, and punycode hosts.
import { describe, expect, it } from 'vitest';
import {
  annotateLink,
  checkLink,
  shownHost,
  visibleText,
} from '../../../client/reader/link-warning.ts';

describe('checkLink', () => {
  it.each([
    ['https://bank.example', 'https://evil.example/login', 'bank.example', 'evil.example'],
    ['bank.example', 'https://evil.example/', 'bank.example', 'evil.example'],
    [
      'www.paypal.com',
      'https://paypal.com.evil.example/',
      'www.paypal.com',
      'paypal.com.evil.example',
    ],
    ['https://bank.example/login', 'http://192.168.1.10/', 'bank.example', '192.168.1.10'],
    ['<https://bank.example>.', 'https://evil.example/', 'bank.example', 'evil.example'],
    ['https://bank.example@evil.example', 'https://bank.example/', 'evil.example', 'bank.example'],
  ])('warns when %j links to %j', (text, href, shown, real) => {
    expect(checkLink(text, href)).toEqual({ kind: 'mismatch', shownHost: shown, realHost: real });
  });

  it.each([
    ['https://example.com/a', 'https://example.com/b'],
    ['example.com', 'https://www.example.com/'],
    ['www.example.com', 'https://example.com/'],
    ['example.com', 'https://news.example.com/x'],
    ['https://login.bank.example', 'https://bank.example/'],
    ['Click here', 'https://evil.example/'],
    ['Read the 3.5 release notes', 'https://evil.example/'],
    ['support@example.com', 'https://evil.example/'],
  ])('does not warn for %j → %j', (text, href) => {
    expect(checkLink(text, href)).toBeNull();
  });

  it('flags punycode (IDN homograph) hosts', () => {
    expect(checkLink('Pay now', 'https://раураl.com/')).toEqual({
      kind: 'idn',
      realHost: 'xn--l-7sba6dbr.com',
    });
    expect(checkLink('раураl.com', 'https://раураl.com/')).toEqual({
      kind: 'idn',
      realHost: 'xn--l-7sba6dbr.com',
    });
  });

  it('flags a homograph text pointing elsewhere as a mismatch', () => {
    expect(checkLink('раураl.com', 'https://paypal.com/')).toMatchObject({
      kind: 'mismatch',
      realHost: 'paypal.com',
    });
  });

  it('ignores mailto and unparseable hrefs', () => {
    expect(checkLink('https://bank.example', 'mailto:a@evil.example')).toBeNull();
    expect(checkLink('https://bank.example', 'not a url')).toBeNull();
  });
});

describe('shownHost', () => {
  it('reads hosts from URL-like text only', () => {
    expect(shownHost(' https://Bank.Example/path ')).toBe('bank.example');
    expect(shownHost('(bank.example)')).toBe('bank.example');
    expect(shownHost('just words')).toBeNull();
    expect(shownHost('x'.repeat(5000))).toBeNull();
  });
});

describe('annotateLink', () => {
  it('marks a deceptive anchor with a data attribute and a warning title', () => {
    const anchor = document.createElement('a');
    anchor.textContent = 'https://bank.example/';
    expect(annotateLink(anchor, 'https://evil.example/')).not.toBeNull();
    expect(anchor.getAttribute('data-link-warning')).toBe('mismatch');
    expect(anchor.getAttribute('title')).toBe(
      'Warning: this link goes to evil.example, not bank.example',
    );
  });

  it('leaves an honest anchor alone', () => {
    const anchor = document.createElement('a');
    anchor.textContent = 'our site';
    expect(annotateLink(anchor, 'https://example.com/')).toBeNull();
    expect(anchor.getAttributeNames()).toEqual([]);
  });
});

describe('visibleText', () => {
  const anchorOf = (html: string): Element => {
    const holder = document.createElement('div');
    holder.innerHTML = html;
    return holder.firstElementChild as Element;
  };

  it('leaves out text hidden by inline style or the hidden attribute', () => {
    const anchor = anchorOf(
      '<a><span style="display:none">Click </span><b hidden>x</b>https://bank.example/' +
        '<span style="visibility: hidden">y</span><i style="font-size:0px">z</i>' +
        '<em style="opacity:0">w</em><u style="overflow:hidden;max-height:0">v</u></a>',
    );
    expect(visibleText(anchor)).toBe('https://bank.example/');
  });

  it('drops zero-width and other format characters', () => {
    const anchor = anchorOf('<a>https://bank\u200B.exam\u00ADple/\u202E</a>');
    expect(visibleText(anchor)).toBe('https://bank.example/');
  });

  it('keeps text whose style does not hide it', () => {
    const anchor = anchorOf('<a><span style="color:red">bank</span>.example</a>');
    expect(visibleText(anchor)).toBe('bank.example');
  });

  it('walks thousands of levels without recursion', () => {
    const anchor = anchorOf(`<a>${'<span>'.repeat(5000)}bank.example${'</span>'.repeat(5000)}</a>`);
    expect(visibleText(anchor)).toBe('bank.example');
  });

  it('makes annotateLink see through a hidden prefix', () => {
    const anchor = anchorOf('<a><span style="display:none">Click </span>https://bank.example/</a>');
    expect(annotateLink(anchor, 'https://evil.example/')).toEqual({
      kind: 'mismatch',
      shownHost: 'bank.example',
      realHost: 'evil.example',
    });
  });
});
