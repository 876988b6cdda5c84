// CRAM-MD5 (RFC 2195): the RFC example and the challenges it must refuse.

import { describe, expect, it } from 'vitest';
import { createSaslMechanism, type SaslMechanism } from '../../../shared/pop3/sasl/index.ts';
import { bytes, expectSaslFailure, fromBase64, text, toBase64 } from './helpers.ts';

function cramMd5(password = 'tanstaaftanstaaf'): SaslMechanism {
  const mechanism = createSaslMechanism('CRAM-MD5', { username: 'tim', password });
  if (!mechanism) throw new Error('no CRAM-MD5');
  return mechanism;
}

describe('CRAM-MD5', () => {
  it('answers the RFC 2195 §2 example', async () => {
    const mechanism = cramMd5();
    expect(mechanism.name).toBe('CRAM-MD5');
    expect(await mechanism.start()).toBeUndefined();
    const challenge = fromBase64('PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+');
    expect(text(challenge)).toBe('<1896.697170952@postoffice.reston.mci.net>');
    const response = await mechanism.respond(challenge);
    expect(text(response)).toBe('tim b913a602c7eda7a495b4e6e7334d3890');
    expect(toBase64(response)).toBe('dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw');
    expect(mechanism.isComplete()).toBe(true);
  });

  it('keys the HMAC with the UTF-8 password', async () => {
    const ascii = text(await cramMd5('p\u00e4ss').respond(bytes('<1@h>')));
    const other = text(await cramMd5('pass').respond(bytes('<1@h>')));
    expect(ascii).toMatch(/^tim [0-9a-f]{32}$/);
    expect(ascii).not.toBe(other);
  });

  it('refuses an empty challenge', async () => {
    const mechanism = cramMd5();
    await expectSaslFailure(mechanism.respond(new Uint8Array()));
    expect(mechanism.isComplete()).toBe(false);
  });

  it('refuses a second challenge', async () => {
    const mechanism = cramMd5();
    await mechanism.respond(bytes('<1@h>'));
    await expectSaslFailure(mechanism.respond(bytes('<2@h>')));
  });
});
