// Body size caps of the reader: sanitizing and laying out run on the page's own
// thread, so a body past the cap is not rendered whole (the page stays usable).
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_HTML_BODY,
  MAX_TEXT_BODY,
  MessageContent,
} from '../../../client/reader/message-content.tsx';
import type { ParsedMessage } from '../../../client/reader/message-types.ts';

const root = document.createElement('div');
document.body.append(root);
afterEach(() => render(null, root));

function show(body: Pick<ParsedMessage, 'text' | 'html'>): void {
  const message: ParsedMessage = {
    subject: 'big',
    from: null,
    to: [],
    cc: [],
    replyTo: [],
    date: null,
    attachments: [],
    ...body,
  };
  render(<MessageContent result={{ message, raw: new Uint8Array(0) }} />, root);
}

const note = (): string | null | undefined => root.querySelector('[role="note"]')?.textContent;

describe('MessageContent size caps', () => {
  it('shows the text body instead of HTML past the HTML cap, and says so', () => {
    show({ html: `<p>${'x'.repeat(MAX_HTML_BODY)}</p>`, text: 'the text version' });
    expect(root.querySelector('iframe')).toBeNull();
    expect(note()).toMatch(/too large to show here in full/);
    expect(root.textContent).toContain('the text version');
  });

  it('shows only the beginning of a text body past its cap', () => {
    show({ html: null, text: `START${'y'.repeat(MAX_TEXT_BODY)}END` });
    expect(note()).toMatch(/Download the message/);
    const text = root.querySelector('.message')?.textContent ?? '';
    expect(text).toContain('START');
    expect(text).not.toContain('END');
  });

  it('says nothing for a body within the caps', () => {
    show({ html: null, text: 'short' });
    expect(note()).toBeUndefined();
    expect(root.textContent).toContain('short');
  });
});
