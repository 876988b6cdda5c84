// Fits the message frame to its content and hands its key presses to the page.
// Works on the live frame document from the page's side (the frame runs no
// script of its own); never reads or writes the mail's HTML as a string.

/** Tallest the frame grows; past it the frame scrolls inside (a mail of 10k rows). */
export const MAX_FRAME_HEIGHT = 200_000;

/**
 * The next frame height for content `contentHeight` px tall in a frame now
 * `frameHeight` px tall, or undefined to leave it. Content sized by the frame
 * (`min-height: 100vh` plus a margin) grows by the same step every time the frame
 * does: after `MAX_SAME_STEPS` equal steps the frame stops following it.
 */
export function nextHeight(
  contentHeight: number,
  frameHeight: number,
  growth: { step: number; count: number },
): number | undefined {
  const height = Math.min(MAX_FRAME_HEIGHT, Math.ceil(contentHeight));
  const step = height - frameHeight;
  if (Math.abs(step) <= 1) return undefined;
  if (step > 0) {
    growth.count = step === growth.step ? growth.count + 1 : 0;
    growth.step = step;
    if (growth.count >= MAX_SAME_STEPS) return undefined;
  }
  return height;
}

const MAX_SAME_STEPS = 3;

/** Narrowest a wide mail is scaled to before it wraps instead (unreadable below). */
export const MIN_SCALE = 0.4;

/**
 * The zoom that fits content `contentWidth` px wide into `available` px: 1 when
 * it fits, otherwise the ratio, never below {@link MIN_SCALE}. A 600 px newsletter
 * on a 390 px phone is shown at 0.6 rather than cut off at the right.
 */
export function fitScale(contentWidth: number, available: number): number {
  if (available <= 0 || contentWidth <= available + 1) return 1;
  return Math.max(MIN_SCALE, Math.floor((available / contentWidth) * 1000) / 1000);
}

/**
 * Re-dispatches the frame document's key presses on the frame element, so the
 * page's document-level shortcuts (Escape, j, k…) hear them wherever focus is.
 * A shortcut that handles the copy cancels the original too (no frame scroll on j).
 */
export function forwardKeys(
  frame: HTMLIFrameElement,
  doc: Document,
  isForwarded: (event: KeyboardEvent) => boolean,
): () => void {
  const onKey = (event: KeyboardEvent): void => {
    if (!isForwarded(event)) return;
    // Only what the shortcuts read: the copy must not carry the frame's target or view.
    const copy = new KeyboardEvent('keydown', {
      key: event.key,
      code: event.code,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
      altKey: event.altKey,
      shiftKey: event.shiftKey,
      repeat: event.repeat,
      bubbles: true,
      cancelable: true,
    });
    if (!frame.dispatchEvent(copy)) event.preventDefault();
  };
  doc.addEventListener('keydown', onKey);
  return () => doc.removeEventListener('keydown', onKey);
}

/**
 * Keeps the frame as tall as its content and its content as wide as the frame:
 * measured on load, again whenever the content or the frame resizes (late images,
 * a rotated phone). The frame then never scrolls inside; the page scrolls once.
 */
export function fitFrame(
  frame: HTMLIFrameElement,
  doc: Document,
  onFit?: (height: string) => void,
): () => void {
  const root = doc.documentElement;
  const body = doc.body;
  let frameWidth = -1;
  const growth = { step: 0, count: 0 };
  const measure = (): void => {
    const available = frame.clientWidth;
    const isZoomed = body.style.getPropertyValue('zoom') !== '';
    // Again when the frame resizes, or when unzoomed content grew wider (late images).
    if (available !== frameWidth || (!isZoomed && root.scrollWidth > available + 1)) {
      // Measure at full size first: the zoom itself changes scrollWidth.
      frameWidth = available;
      body.style.removeProperty('zoom');
      const scale = fitScale(root.scrollWidth, available);
      if (scale < 1) body.style.setProperty('zoom', String(scale));
    }
    const height = nextHeight(root.scrollHeight, frame.offsetHeight, growth);
    if (height === undefined) return;
    frame.style.height = `${height}px`;
    onFit?.(frame.style.height);
  };
  // The frame's own ResizeObserver would be the frame realm's; the page's one
  // observes elements of a same-origin document just as well.
  const observer = new ResizeObserver(measure);
  observer.observe(frame);
  observer.observe(body);
  measure();
  return () => observer.disconnect();
}
