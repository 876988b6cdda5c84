// The sasl/ public surface: preference order, the factory, and the RFC 5034 §4
// rule for when an initial response may ride on the AUTH line.

import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../../../shared/pop3/command.ts';
import {
  SASL_PREFERENCE,
  canSendInitialResponse,
  createSaslMechanism,
  encodeBase64,
} from '../../../shared/pop3/sasl/index.ts';

const credentials = { username: 'tim', password: 'tanstaaf' };

describe('SASL_PREFERENCE', () => {
  it('lists the strongest first', () => {
    expect(SASL_PREFERENCE).toEqual(['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN', 'LOGIN', 'CRAM-MD5']);
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(SASL_PREFERENCE)).toBe(true);
  });
});

describe('createSaslMechanism', () => {
  it.each(SASL_PREFERENCE.map((name) => [name]))('creates %s', (name) => {
    expect(createSaslMechanism(name, credentials)?.name).toBe(name);
  });

  it('matches the name in any case', () => {
    expect(createSaslMechanism('scram-sha-256', credentials)?.name).toBe('SCRAM-SHA-256');
    expect(createSaslMechanism('Cram-Md5', credentials)?.name).toBe('CRAM-MD5');
  });

  it.each([['GSSAPI'], ['XOAUTH2'], ['SCRAM-SHA-256-PLUS'], ['DIGEST-MD5'], ['']])(
    'returns undefined for %j',
    (name) => {
      expect(createSaslMechanism(name, credentials)).toBeUndefined();
    },
  );

  it('does not expose the password as a property', () => {
    for (const name of SASL_PREFERENCE) {
      const mechanism = createSaslMechanism(name, credentials);
      expect(JSON.stringify(mechanism)).not.toContain('tanstaaf');
      expect(Object.values(mechanism ?? {})).not.toContainEqual(credentials);
    }
  });
});

describe('canSendInitialResponse', () => {
  const sized = (length: number): Uint8Array => new Uint8Array(length).fill(0x41);

  it('agrees with the AUTH encoder at the 255-octet boundary', () => {
    // "AUTH PLAIN " is 11 octets, CRLF 2: 242 base64 characters would fit,
    // but base64 comes in fours, so 240 characters (180 bytes) is the most.
    expect(canSendInitialResponse('PLAIN', sized(180))).toBe(true);
    expect(canSendInitialResponse('PLAIN', sized(181))).toBe(false);
    const line = encodeCommand({
      verb: 'AUTH',
      mechanism: 'PLAIN',
      initialResponse: encodeBase64(sized(180)),
    });
    expect(line.length).toBeLessThanOrEqual(255);
  });

  it('counts an empty initial response as "="', () => {
    expect(canSendInitialResponse('PLAIN', new Uint8Array())).toBe(true);
  });

  it('decides a long PLAIN login by the whole line', async () => {
    const long = createSaslMechanism('PLAIN', {
      username: 'u'.repeat(100),
      password: 'p'.repeat(100),
    });
    const initial = await long?.start();
    expect(initial && canSendInitialResponse('PLAIN', initial)).toBe(false);
  });
});
