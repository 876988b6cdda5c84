// Narrowing for tests: read a subclass's fields after checking its class, not
// through a cast that would pass a plain object off as an instance.
import { expect } from 'vitest';

/** `value` as an instance of `type`; fails the test when it is not one. */
export function instanceOf<T>(value: unknown, type: abstract new (...args: never[]) => T): T {
  expect(value).toBeInstanceOf(type);
  if (!(value instanceof type)) throw new TypeError(`expected an instance of ${type.name}`);
  return value;
}
