// One meaning per -ERR response code (RFC 2449 §8, RFC 3206), and the three
// questions every layer asks of it: a failed login? worth retrying? the end
// of a sign-in?

import { describe, expect, it } from 'vitest';
import {
  endsSignIn,
  errMeaning,
  isFailedLogin,
  isTransientErr,
  type ErrMeaning,
} from '../../../shared/pop3/response-codes.ts';
import { parseStatusLine } from '../../../shared/pop3/status.ts';

describe('errMeaning', () => {
  it.each<[string | undefined, ErrMeaning, boolean, boolean, boolean]>([
    // code, meaning, failed login, transient, ends sign-in
    ['AUTH', 'credentials', true, false, true],
    ['IN-USE', 'in-use', false, true, true],
    ['LOGIN-DELAY', 'login-delay', false, true, true],
    ['SYS/TEMP', 'temporary', false, true, true],
    ['SYS/PERM', 'permanent', false, false, true],
    [undefined, 'unspecified', true, false, false],
    ['X-VENDOR', 'unspecified', true, false, false],
    // RFC 2449 §8: unknown detail below a known code is ignored.
    ['IN-USE/OTHER-HOST', 'in-use', false, true, true],
    ['AUTH/EXPIRED', 'credentials', true, false, true],
    ['SYS', 'permanent', false, false, true],
    ['SYS/DISK', 'permanent', false, false, true],
    ['sys/temp', 'temporary', false, true, true],
  ])('[%s] means %s', (code, meaning, failedLogin, transient, ends) => {
    expect(errMeaning(code)).toBe(meaning);
    expect(isFailedLogin(code)).toBe(failedLogin);
    expect(isTransientErr(code)).toBe(transient);
    expect(endsSignIn(code)).toBe(ends);
  });

  it('classifies the code the status parser extracts', () => {
    const status = parseStatusLine('-ERR [SYS/PERM] mail store unavailable');
    expect(status?.kind === 'err' && errMeaning(status.responseCode)).toBe('permanent');
    const plain = parseStatusLine('-ERR [not a code] nope');
    expect(plain?.kind === 'err' && errMeaning(plain.responseCode)).toBe('unspecified');
  });
});
