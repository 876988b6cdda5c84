// Keyboard shortcuts of the inbox and reader: which key means what. Pure, so
// the mapping is tested without a DOM; the inbox view performs the actions.

export type ShortcutAction =
  | 'next'
  | 'previous'
  | 'open'
  | 'delete'
  | 'undo'
  | 'search'
  | 'refresh'
  | 'back'
  | 'toggle'
  | 'markRead'
  | 'markUnread'
  | 'selectAll'
  | 'help';

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

const KEYS: Record<string, ShortcutAction> = {
  j: 'next',
  ArrowDown: 'next',
  k: 'previous',
  ArrowUp: 'previous',
  Enter: 'open',
  o: 'open',
  Delete: 'delete',
  '#': 'delete',
  u: 'undo',
  '/': 'search',
  r: 'refresh',
  Escape: 'back',
  x: 'toggle',
  // Gmail's keys: Shift+I and Shift+U arrive as the capital letters.
  I: 'markRead',
  U: 'markUnread',
  '?': 'help',
};

/**
 * The action for a key press, or undefined. While the user types in a field
 * only Escape counts; with Ctrl, Cmd or Alt only Ctrl/Cmd+A does (Ctrl+R stays the browser's).
 */
export function shortcutFor(event: KeyLike, isTyping: boolean): ShortcutAction | undefined {
  // Ctrl/Cmd+A picks every message instead of the page's text; in a field it stays the field's.
  const isSelectAll = (event.ctrlKey || event.metaKey) && !event.altKey && event.key === 'a';
  if (isSelectAll) return isTyping ? undefined : 'selectAll';
  if (event.ctrlKey || event.metaKey || event.altKey) return undefined;
  if (isTyping) return event.key === 'Escape' ? 'back' : undefined;
  return Object.hasOwn(KEYS, event.key) ? KEYS[event.key] : undefined;
}

const NOT_TEXT = new Set(['checkbox', 'radio', 'button', 'submit', 'reset']);

// Not `instanceof HTMLElement`: keys from the message frame come from elements of
// the frame's own realm, whose HTMLElement is another object than the page's.
function asElement(target: EventTarget | null): HTMLElement | undefined {
  const node = target as Partial<HTMLElement> | null;
  return node?.nodeType === 1 && typeof node.tagName === 'string'
    ? (node as HTMLElement)
    : undefined;
}

/** Whether key presses go to a text field (or a control that uses them itself). */
export function isTypingTarget(target: EventTarget | null): boolean {
  const element = asElement(target);
  if (!element) return false;
  if (element.isContentEditable) return true;
  if (element.tagName === 'INPUT') return !NOT_TEXT.has((element as HTMLInputElement).type);
  return element.tagName === 'TEXTAREA' || element.tagName === 'SELECT';
}

/** Enter on a button or link activates it; it must not also open a message. */
export function isActivationTarget(target: EventTarget | null): boolean {
  const tag = asElement(target)?.tagName;
  return tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY';
}

/**
 * Whether a key press inside the message frame goes on to the page's shortcuts:
 * not Enter on one of the mail's links (it follows the link), not typing.
 */
export function isForwardedFromFrame(event: KeyLike & { target: EventTarget | null }): boolean {
  if (isTypingTarget(event.target)) return event.key === 'Escape';
  return !(event.key === 'Enter' && isActivationTarget(event.target));
}
