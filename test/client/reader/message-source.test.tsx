// "View source": the raw message as one text node, markup and all, capped.
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_SOURCE_BYTES,
  MessageSource,
  sourceText,
} from '../../../client/reader/message-source.tsx';

const root = document.createElement('div');
document.body.append(root);
afterEach(() => render(null, root));

const bytes = (text: string) => new TextEncoder().encode(text);

describe('MessageSource', () => {
  it('shows headers and HTML as literal text, creating no element from them', () => {
    const raw = bytes('Subject: =?UTF-8?B?5L2g5aW9?=\r\n\r\n<img src=x onerror=alert(1)>季度\r\n');
    render(<MessageSource raw={raw} label="Message source" truncatedNote="cut" />, root);
    const pre = root.querySelector('pre');
    expect(pre?.textContent).toBe(
      'Subject: =?UTF-8?B?5L2g5aW9?=\r\n\r\n<img src=x onerror=alert(1)>季度\r\n',
    );
    expect(root.querySelector('img')).toBeNull();
    expect(pre?.getAttribute('aria-label')).toBe('Message source');
    expect(root.querySelector('[role="note"]')).toBeNull();
  });

  it('shows only the beginning of a huge message, and says so', () => {
    const raw = new Uint8Array(MAX_SOURCE_BYTES + 10).fill(0x61);
    render(<MessageSource raw={raw} label="Message source" truncatedNote="cut" />, root);
    expect(root.querySelector('pre')?.textContent).toHaveLength(MAX_SOURCE_BYTES);
    expect(root.querySelector('[role="note"]')?.textContent).toBe('cut');
  });

  it('decodes UTF-8 and marks bytes that are not', () => {
    expect(sourceText(new Uint8Array([0x68, 0xe9, 0x69]))).toBe('h\uFFFDi');
  });
});
