// The frame component's contract (docs/security.md #42, #46): exact sandbox tokens, the
// srcdoc it was given, the remote-content bar. Sanitizing itself is tested in Chromium.
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  MESSAGE_FRAME_SANDBOX,
  MessageFrame,
  REMOTE_FRAME_SANDBOX,
} from '../../../client/reader/message-frame.tsx';
import { frameCsp } from '../../../client/reader/frame-document.ts';

const root = document.createElement('div');
document.body.append(root);
afterEach(() => render(null, root));

describe('MessageFrame', () => {
  // Same-origin so the page can size the frame and hear its keys; safe only because
  // no script runs in it: allow-scripts must never join it (docs/security.md #42).
  it('renders a sandboxed frame, same-origin but never with allow-scripts', () => {
    render(<MessageFrame document="<!DOCTYPE html><p>hi</p>" blockedRemote={0} />, root);
    const frame = root.querySelector('iframe');
    expect(frame?.getAttribute('title')).toBe('Message body');
    expect(frame?.getAttribute('sandbox')).toBe(MESSAGE_FRAME_SANDBOX);
    expect(MESSAGE_FRAME_SANDBOX.split(' ').sort()).toEqual([
      'allow-popups',
      'allow-popups-to-escape-sandbox',
      'allow-same-origin',
    ]);
    expect(MESSAGE_FRAME_SANDBOX).not.toMatch(/allow-(scripts|forms|top-navigation|modals)/);
    expect(frame?.getAttribute('srcdoc') ?? (frame as HTMLIFrameElement).srcdoc).toBe(
      '<!DOCTYPE html><p>hi</p>',
    );
    expect(root.querySelector('[role="status"]')).toBeNull();
  });

  // Chromium sends a Referer with CSS images of a same-origin document: once remote
  // content may load, the frame is opaque; the attribute order makes it so.
  it('turns opaque once remote content is allowed, the sandbox set before the srcdoc', () => {
    render(<MessageFrame document="<p>a</p>" blockedRemote={2} />, root);
    const frame = root.querySelector('iframe')!;
    const order: string[] = [];
    const setAttribute = frame.setAttribute.bind(frame);
    frame.setAttribute = (name: string, value: string) => {
      order.push(name);
      setAttribute(name, value);
    };
    Object.defineProperty(frame, 'srcdoc', {
      set: (value: string) => {
        order.push('srcdoc');
        setAttribute('srcdoc', value);
      },
      get: () => frame.getAttribute('srcdoc'),
    });
    render(<MessageFrame document="<p>b</p>" blockedRemote={0} isRemoteAllowed />, root);
    const remote = root.querySelector('iframe');
    expect(remote?.getAttribute('sandbox')).toBe(REMOTE_FRAME_SANDBOX);
    expect(order.indexOf('sandbox')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('sandbox')).toBeLessThan(order.indexOf('srcdoc'));
    expect(REMOTE_FRAME_SANDBOX.split(' ').sort()).toEqual([
      'allow-popups',
      'allow-popups-to-escape-sandbox',
    ]);
  });

  it('shows how much was blocked and offers the opt-in', () => {
    const onShowRemote = vi.fn();
    render(<MessageFrame document="" blockedRemote={3} onShowRemote={onShowRemote} />, root);
    expect(root.querySelector('[role="status"]')?.textContent).toBe(
      '3 remote items blocked Show remote content',
    );
    root.querySelector('button')?.click();
    expect(onShowRemote).toHaveBeenCalledOnce();
  });

  it('uses the singular and hides the button without a handler', () => {
    render(<MessageFrame document="" blockedRemote={1} />, root);
    expect(root.querySelector('[role="status"]')?.textContent.trim()).toBe('1 remote item blocked');
    expect(root.querySelector('button')).toBeNull();
  });
});

describe('frameCsp', () => {
  it('loads nothing remote until opt-in, then only https images', () => {
    expect(frameCsp(false)).toBe(
      "default-src 'none'; img-src data: blob:; style-src 'unsafe-inline'; font-src data:; form-action 'none'; base-uri 'none'",
    );
    expect(frameCsp(true)).toBe(
      "default-src 'none'; img-src data: blob: https:; style-src 'unsafe-inline'; font-src data:; form-action 'none'; base-uri 'none'",
    );
  });
});
