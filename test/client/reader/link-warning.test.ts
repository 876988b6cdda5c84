// Link deception checks (SECURITY.md 50, payload class 17): text that shows one host
// while the href goes to another, and punycode hosts.
import { describe, expect, it } from 'vitest';
import { annotateLink, checkLink, shownHost } from '../../../client/reader/link-warning.ts';

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
