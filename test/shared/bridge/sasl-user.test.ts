// The user name inside a first SASL response: only the identity is taken,
// and only when it is safe for a one-line log (docs/security.md #26, #28).

import { describe, expect, it } from 'vitest';
import { safeUserName, saslUserName } from '../../../shared/bridge/sasl-user.ts';
import { encodeBase64 } from '../../../shared/pop3/sasl/base64.ts';

const b64 = (text: string): string => encodeBase64(new TextEncoder().encode(text));

describe('saslUserName', () => {
  it.each([
    ['PLAIN', b64('\0alice\0hunter2'), 'alice'],
    ['PLAIN', b64('admin\0alice\0hunter2'), 'alice'],
    ['plain', b64('\0bob@example.org\0pw'), 'bob@example.org'],
    ['LOGIN', b64('carol'), 'carol'],
    ['CRAM-MD5', b64('dave 0123456789abcdef0123456789abcdef'), 'dave'],
    ['SCRAM-SHA-256', b64('n,,n=erin,r=abcdef'), 'erin'],
    ['SCRAM-SHA-1', b64('n,,n=a=2Cb=3Dc,r=x'), 'a,b=c'],
    ['SCRAM-SHA-256', b64('y,a=admin,n=frank,r=x'), 'frank'],
  ])('%s %s → %s', (mechanism, payload, user) => {
    expect(saslUserName(mechanism, payload)).toBe(user);
  });

  it.each([
    ['PLAIN without NULs', 'PLAIN', b64('alicehunter2')],
    ['PLAIN with one NUL', 'PLAIN', b64('\0alice')],
    ['PLAIN with a space in the name', 'PLAIN', b64('\0al ice\0pw')],
    ['PLAIN with a newline in the name', 'PLAIN', b64('\0alice\nuser=root\0pw')],
    ['PLAIN with a bidi override', 'PLAIN', b64('\0ali\u202Ece\0pw')],
    ['not base64', 'PLAIN', 'not base64!'],
    ['an unknown mechanism', 'GSSAPI', b64('whatever')],
    ['SCRAM with a bad escape', 'SCRAM-SHA-256', b64('n,,n=a=2Xb,r=x')],
    ['an over-long name', 'LOGIN', b64('a'.repeat(129))],
  ])('%s → undefined', (_name, mechanism, payload) => {
    expect(saslUserName(mechanism, payload)).toBeUndefined();
  });

  it('never returns any part of the password', () => {
    const name = saslUserName('PLAIN', b64('\0alice\0hunter2'));
    expect(name).not.toContain('hunter2');
  });
});

describe('safeUserName', () => {
  it('keeps UTF-8 names and refuses control characters', () => {
    expect(safeUserName('张伟@example.cn')).toBe('张伟@example.cn');
    expect(safeUserName('a\tb')).toBeUndefined();
    expect(safeUserName('')).toBeUndefined();
    expect(safeUserName(undefined)).toBeUndefined();
  });
});
