// What a `-ERR` means, decided once from its RFC 2449 §8 / RFC 3206 response
// code. The codec's sign-in, the gateway's login counter and the page's words
// all ask here, so "wrong password" is said only where a failure is counted.

/** Response codes of RFC 2449 §8 and RFC 3206, as sent in brackets after -ERR. */
export type Pop3ResponseCode =
  'IN-USE' | 'LOGIN-DELAY' | 'SYS/TEMP' | 'SYS/PERM' | 'AUTH' | (string & {});

/**
 * The meaning of a `-ERR`:
 * - `credentials`: `[AUTH]`, the credentials were refused (RFC 3206 §5).
 * - `in-use`: `[IN-USE]`, another session holds the maildrop (RFC 2449 §8.1.1).
 * - `login-delay`: `[LOGIN-DELAY]`, signed in too soon (RFC 2449 §8.1.2).
 * - `temporary`: `[SYS/TEMP]`, the server has a passing problem (RFC 3206 §4).
 * - `permanent`: `[SYS/PERM]` or any other `SYS` code, the server is broken
 *   and needs its administrator (RFC 3206 §4).
 * - `unspecified`: no code, or one we do not know (RFC 2449 §8: unknown codes
 *   are ignored), so the `-ERR` says nothing beyond "refused".
 */
export type ErrMeaning =
  'credentials' | 'in-use' | 'login-delay' | 'temporary' | 'permanent' | 'unspecified';

interface MeaningRules {
  /** Counts as a failed login attempt toward a ban. */
  isFailedLogin: boolean;
  /** The same attempt later may succeed without anyone changing anything. */
  isTransient: boolean;
  /** Settles the sign-in: another mechanism would get the same answer. */
  endsSignIn: boolean;
}

const RULES: Record<ErrMeaning, MeaningRules> = {
  // RFC 3206 §5: another mechanism with the same password would only add
  // failed attempts (and lockouts).
  credentials: { isFailedLogin: true, isTransient: false, endsSignIn: true },
  // Busy or broken, never "wrong password" (RFC 2449 §8.1, RFC 3206 §4): not
  // counted, so a user behind a locked maildrop is not banned for it.
  'in-use': { isFailedLogin: false, isTransient: true, endsSignIn: true },
  'login-delay': { isFailedLogin: false, isTransient: true, endsSignIn: true },
  temporary: { isFailedLogin: false, isTransient: true, endsSignIn: true },
  permanent: { isFailedLogin: false, isTransient: false, endsSignIn: true },
  // The usual answer to a wrong password carries no code at all (RFC 1939 §7
  // predates response codes), so it counts; another mechanism may still work.
  unspecified: { isFailedLogin: true, isTransient: false, endsSignIn: false },
};

/** The meaning of a `-ERR` with this response code (or none). */
export function errMeaning(code: Pop3ResponseCode | undefined): ErrMeaning {
  if (code === undefined) return 'unspecified';
  // RFC 2449 §8: codes are hierarchical and clients MUST ignore detail they do
  // not know, so `IN-USE/X` is IN-USE and `SYS/X` is still a server problem.
  const [top, detail] = code.toUpperCase().split('/', 2);
  switch (top) {
    case 'AUTH':
      return 'credentials';
    case 'IN-USE':
      return 'in-use';
    case 'LOGIN-DELAY':
      return 'login-delay';
    case 'SYS':
      return detail === 'TEMP' ? 'temporary' : 'permanent';
    default:
      return 'unspecified';
  }
}

/**
 * Whether a `-ERR` to a login step (USER, PASS, APOP, AUTH, a SASL response)
 * counts as a failed login. A client's own SASL cancel (`*`) is the caller's
 * to exclude: the reply to it is not the server judging a password.
 */
export function isFailedLogin(code: Pop3ResponseCode | undefined): boolean {
  return RULES[errMeaning(code)].isFailedLogin;
}

/** Whether trying again later, unchanged, may succeed (busy or a passing fault). */
export function isTransientErr(code: Pop3ResponseCode | undefined): boolean {
  return RULES[errMeaning(code)].isTransient;
}

/** Whether this `-ERR` settles a sign-in, so no other mechanism is tried after it. */
export function endsSignIn(code: Pop3ResponseCode | undefined): boolean {
  return RULES[errMeaning(code)].endsSignIn;
}
