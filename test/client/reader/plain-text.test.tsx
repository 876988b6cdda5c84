// PlainTextBody renders mail text as text nodes plus the intended anchors only
// (docs/security.md #51, payload class 15).
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { PlainTextBody } from '../../../client/reader/plain-text.tsx';

const roots: HTMLElement[] = [];
function mount(text: string): HTMLElement {
  const root = document.createElement('div');
  document.body.append(root);
  roots.push(root);
  render(<PlainTextBody text={text} />, root);
  return root;
}

afterEach(() => {
  for (const root of roots.splice(0)) {
    render(null, root);
    root.remove();
  }
});

describe('PlainTextBody', () => {
  it.each([
    ['[<script>evil</script>] https://google.com', ['https://google.com/']],
    ['[<script>evil</script>]:##str_replacement_0##', []],
    ['a@a.co?]<img/src="x"/onerror=alert(document.domain)>', ['mailto:a@a.co']],
  ])('renders %j as literal text with only the intended anchors', (text, hrefs) => {
    const root = mount(text);
    const body = root.firstElementChild as HTMLElement;
    expect(body.textContent).toBe(text);
    const elements = Array.from(body.querySelectorAll('*'));
    expect(elements.map((el) => el.localName)).toEqual(hrefs.map(() => 'a'));
    expect(elements.map((el) => el.getAttribute('href'))).toEqual(hrefs);
    for (const anchor of elements) {
      expect(anchor.getAttribute('target')).toBe('_blank');
      expect(anchor.getAttribute('rel')).toBe('noopener noreferrer');
      expect(anchor.getAttributeNames().filter((name) => name.startsWith('on'))).toEqual([]);
    }
    expect(root.querySelector('script, img')).toBeNull();
  });

  it('keeps line breaks and shows the destination on hover', () => {
    const root = mount('line one\nhttps://example.com/x\n  indented');
    const body = root.firstElementChild as HTMLElement;
    expect(body.style.whiteSpace).toBe('pre-wrap');
    expect(body.textContent).toBe('line one\nhttps://example.com/x\n  indented');
    expect(body.querySelector('a')?.getAttribute('title')).toBe('https://example.com/x');
  });
});
