// Header block: every value a text node (SECURITY.md 52, payload class 16).
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MessageHeaders,
  formatAddress,
  formatAddressList,
} from '../../../client/reader/message-headers.tsx';

const root = document.createElement('div');
document.body.append(root);
afterEach(() => render(null, root));

describe('MessageHeaders', () => {
  it('shows HTML from subject and names as text, creating no element', () => {
    render(
      <MessageHeaders
        message={{
          subject: '<img src=x onerror=alert(1)>',
          from: { name: '<script>alert(1)</script>', address: 'a@example.test' },
          to: [{ name: '\u202Eevil', address: 'b@example.test' }],
          cc: [],
          replyTo: [{ name: '"><svg onload=alert(1)>', address: 'r@example.test' }],
          date: '2026-03-02T10:00:00.000Z',
        }}
        locale="en-GB"
      />,
      root,
    );
    expect(root.querySelector('h2')?.textContent).toBe('<img src=x onerror=alert(1)>');
    expect(root.querySelector('img, script, svg')).toBeNull();
    const tags = new Set(Array.from(root.querySelectorAll('*'), (el) => el.localName));
    expect(tags).toEqual(new Set(['header', 'h2', 'bdi', 'dl', 'div', 'dt', 'dd']));
    expect(root.textContent).toContain('<script>alert(1)</script> <a@example.test>');
    expect(root.textContent).toContain('evil <b@example.test>');
    expect(root.textContent).not.toContain('\u202E');
    expect(root.textContent).toContain('Reply-To');
  });

  it('says so when there is no subject', () => {
    render(
      <MessageHeaders
        message={{ subject: '', from: null, to: [], cc: [], replyTo: [], date: null }}
      />,
      root,
    );
    expect(root.querySelector('h2')?.textContent).toBe('(no subject)');
    expect(root.querySelectorAll('dt')).toHaveLength(0);
  });
});

describe('formatAddress', () => {
  it('formats names and bare addresses', () => {
    expect(formatAddress({ name: 'Ann', address: 'ann@x.test' })).toBe('Ann <ann@x.test>');
    expect(formatAddress({ name: '', address: 'ann@x.test' })).toBe('ann@x.test');
    expect(formatAddress({ name: 'ann@x.test', address: 'ann@x.test' })).toBe('ann@x.test');
  });

  it('caps a recipient flood', () => {
    const list = Array.from({ length: 5000 }, (_, i) => ({ name: '', address: `u${i}@x.test` }));
    const text = formatAddressList(list);
    expect(text.endsWith('and 4950 more')).toBe(true);
  });
});
