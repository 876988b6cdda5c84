// Which key presses count, including those handed on from the message frame,
// whose elements belong to another realm (instanceof the page's classes fails).
import { describe, expect, it } from 'vitest';
import {
  isActivationTarget,
  isForwardedFromFrame,
  isTypingTarget,
  shortcutFor,
} from '../../client/keyboard.ts';

const press = (key: string) => ({ key, ctrlKey: false, metaKey: false, altKey: false });
const other = document.implementation.createHTMLDocument('');

describe('keyboard', () => {
  it('maps the reader keys, none with a modifier', () => {
    expect(shortcutFor(press('Escape'), false)).toBe('back');
    expect(shortcutFor(press('j'), false)).toBe('next');
    expect(shortcutFor(press('k'), false)).toBe('previous');
    expect(shortcutFor({ ...press('p'), ctrlKey: true }, false)).toBeUndefined();
    expect(shortcutFor(press('j'), true)).toBeUndefined();
  });

  it('recognizes fields and links of any document', () => {
    const field = other.createElement('input');
    const box = other.createElement('input');
    box.type = 'checkbox';
    expect(isTypingTarget(field)).toBe(true);
    expect(isTypingTarget(box)).toBe(false);
    expect(isActivationTarget(other.createElement('a'))).toBe(true);
    expect(isActivationTarget(other.createElement('p'))).toBe(false);
    expect(isTypingTarget(other)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });

  it('hands on the frame keys except Enter on a link and typing', () => {
    const link = other.createElement('a');
    const text = other.createElement('p');
    const field = other.createElement('textarea');
    expect(isForwardedFromFrame({ ...press('Escape'), target: text })).toBe(true);
    expect(isForwardedFromFrame({ ...press('j'), target: link })).toBe(true);
    expect(isForwardedFromFrame({ ...press('Enter'), target: link })).toBe(false);
    expect(isForwardedFromFrame({ ...press('j'), target: field })).toBe(false);
    expect(isForwardedFromFrame({ ...press('Escape'), target: field })).toBe(true);
  });
});
