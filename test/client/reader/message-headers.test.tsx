// Header block: every value a text node (docs/security.md #52, payload class 16).
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MessageHeaders,
  formatAddress,
  formatAddressList,
  formatHeaderDate,
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

describe('MessageHeaders in another language', () => {
  it('uses the given labels, the whole subject as title, and the date without seconds', () => {
    render(
      <MessageHeaders
        message={{
          subject: '',
          from: { name: 'Ann', address: 'ann@x.test' },
          to: Array.from({ length: 52 }, (_, i) => ({ name: '', address: `u${i}@x.test` })),
          cc: [],
          replyTo: [],
          date: '2026-03-02T17:35:09.000Z',
        }}
        locale="zh-CN"
        labels={{
          from: '发件人',
          to: '收件人',
          cc: '抄送',
          replyTo: '回复地址',
          date: '日期',
          noSubject: '（无主题）',
          andMore: (count) => `等另外 ${count} 人`,
        }}
      />,
      root,
    );
    expect(root.querySelector('h2')?.textContent).toBe('（无主题）');
    expect([...root.querySelectorAll('dt')].map((dt) => dt.textContent)).toEqual([
      '发件人',
      '收件人',
      '日期',
    ]);
    expect(root.textContent).toContain('等另外 2 人');
    const date = [...root.querySelectorAll('dd')].at(-1)?.textContent ?? '';
    expect(date).toMatch(/2026/);
    expect(date).not.toMatch(/:\d\d:\d\d/);
  });

  it('puts the full subject in the title where the line is shortened', () => {
    const subject = `Quarterly ${'report '.repeat(60)}end`;
    render(
      <MessageHeaders message={{ subject, from: null, to: [], cc: [], replyTo: [], date: null }} />,
      root,
    );
    const h2 = root.querySelector('h2');
    expect(h2?.getAttribute('title')).toBe(subject.trim());
    expect(h2?.textContent.length).toBeLessThan(subject.length);
  });
});

describe('formatHeaderDate', () => {
  it('follows the locale, to the minute', () => {
    const iso = '2026-03-02T17:35:09.000Z';
    expect(formatHeaderDate(iso, 'en-US')).not.toMatch(/:09|0\d:\d\d [AP]M/);
    expect(formatHeaderDate(iso, 'zh-CN')).toMatch(/2026年3月/);
    expect(formatHeaderDate('not a date', 'en-US')).toBe('');
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
