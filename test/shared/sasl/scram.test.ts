// SCRAM-SHA-1 (RFC 5802 §5) and SCRAM-SHA-256 (RFC 7677 §3) against the RFC
// example exchanges, then every way a server can be wrong or hostile.

import { describe, expect, it } from 'vitest';
import {
  createSaslMechanism,
  type SaslCredentials,
  type SaslMechanism,
  type SaslOptions,
} from '../../../shared/pop3/sasl/index.ts';
import { bytes, expectSaslFailure, text, toBase64 } from './helpers.ts';

const SHA1 = {
  name: 'SCRAM-SHA-1',
  clientNonce: 'fyko+d2lbbFgONRv9qkxdawL',
  clientFirst: 'n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL',
  serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096',
  clientFinal: 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
  serverFinal: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=',
};

const SHA256 = {
  name: 'SCRAM-SHA-256',
  clientNonce: 'rOprNGfwEbeRWgbNEkqO',
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverFirst:
    'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal:
    'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,' +
    'p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

function scram(
  name = 'SCRAM-SHA-1',
  credentials: SaslCredentials = { username: 'user', password: 'pencil' },
  options: SaslOptions = { clientNonce: SHA1.clientNonce },
): SaslMechanism {
  const mechanism = createSaslMechanism(name, credentials, options);
  if (!mechanism) throw new Error(`no ${name}`);
  return mechanism;
}

/** A SCRAM-SHA-1 mechanism that has sent the RFC 5802 client-first-message. */
async function started(): Promise<SaslMechanism> {
  const mechanism = scram();
  await mechanism.start();
  return mechanism;
}

describe.each([SHA1, SHA256])('$name RFC example exchange', (vector) => {
  it('produces the RFC messages byte for byte and verifies the server', async () => {
    const mechanism = scram(
      vector.name,
      { username: 'user', password: 'pencil' },
      { clientNonce: vector.clientNonce },
    );
    expect(mechanism.name).toBe(vector.name);
    expect(text(await mechanism.start())).toBe(vector.clientFirst);
    expect(mechanism.isComplete()).toBe(false);
    expect(text(await mechanism.respond(bytes(vector.serverFirst)))).toBe(vector.clientFinal);
    // A +OK here (no v= yet) must not count as success.
    expect(mechanism.isComplete()).toBe(false);
    // RFC 5034 §4: the v= arrives as a "+ " challenge, answered with an empty line.
    expect(await mechanism.respond(bytes(vector.serverFinal))).toEqual(new Uint8Array());
    expect(mechanism.isComplete()).toBe(true);
  });
});

describe('SCRAM client-first-message', () => {
  it('uses a fresh 32-character random nonce by default', async () => {
    const first = text(await scram('SCRAM-SHA-256', undefined, {}).start());
    const second = text(await scram('SCRAM-SHA-256', undefined, {}).start());
    expect(first).toMatch(/^n,,n=user,r=[\x21-\x2b\x2d-\x7e]{32}$/);
    expect(second).not.toBe(first);
  });

  it('escapes = and , in the username (RFC 5802 §5.1)', async () => {
    const mechanism = scram('SCRAM-SHA-1', { username: 'a=b,c', password: 'pencil' });
    expect(text(await mechanism.start())).toBe(`n,,n=a=3Db=2Cc,r=${SHA1.clientNonce}`);
  });

  it('sends an authzid in the gs2 header and binds it in c=', async () => {
    const mechanism = scram('SCRAM-SHA-1', {
      username: 'user',
      password: 'pencil',
      authzid: 'ad,min',
    });
    expect(text(await mechanism.start())).toBe(`n,a=ad=2Cmin,n=user,r=${SHA1.clientNonce}`);
    const clientFinal = text(await mechanism.respond(bytes(SHA1.serverFirst)));
    expect(clientFinal).toMatch(new RegExp(`^c=${toBase64(bytes('n,a=ad=2Cmin,'))},r=`));
  });

  it('SASLpreps the password: soft hyphen dropped, NFKC applied', async () => {
    for (const password of ['pen\u00ADcil', 'pen\uFE0Fcil', '\uFF50encil']) {
      const mechanism = scram('SCRAM-SHA-1', { username: 'user', password });
      await mechanism.start();
      expect(text(await mechanism.respond(bytes(SHA1.serverFirst)))).toBe(SHA1.clientFinal);
    }
  });

  it.each([
    ['a control character in the password', { username: 'user', password: 'pen\u0007cil' }],
    ['a private-use character', { username: 'user', password: 'pen\uE000cil' }],
    ['a lone surrogate', { username: 'user', password: 'pen\uD800cil' }],
    ['an empty password', { username: 'user', password: '' }],
    ['a password SASLprep empties', { username: 'user', password: '\u00AD' }],
    ['an empty username', { username: '', password: 'pencil' }],
    ['NUL in the username', { username: 'us\u0000er', password: 'pencil' }],
    ['NUL in the authzid', { username: 'user', password: 'pencil', authzid: 'a\u0000' }],
  ])('refuses %s before sending anything', async (_, credentials) => {
    const error = await expectSaslFailure(scram('SCRAM-SHA-1', credentials).start());
    expect(error.message).not.toContain('pen');
  });

  it.each([['with,comma'], [''], ['sp ace'], ['caf\u00e9']])(
    'refuses an injected nonce %j',
    async (clientNonce) => {
      await expectSaslFailure(scram('SCRAM-SHA-1', undefined, { clientNonce }).start());
    },
  );
});

describe('SCRAM server-first-message checks', () => {
  const first = (message: string): Promise<Uint8Array> =>
    started().then((mechanism) => mechanism.respond(bytes(message)));
  const nonce = `${SHA1.clientNonce}3rfcNHYJY1ZVvWVs7j`;

  it('refuses a server nonce that does not start with ours', async () => {
    await expectSaslFailure(first('r=XXXX+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=4096'));
  });

  it('refuses a server nonce that only echoes ours', async () => {
    await expectSaslFailure(first(`r=${SHA1.clientNonce},s=QSXCR+Q6sek8bf92,i=4096`));
  });

  it('refuses iteration count 1 with a clear error', async () => {
    const error = await expectSaslFailure(first(`r=${nonce},s=QSXCR+Q6sek8bf92,i=1`));
    expect(error.message).toMatch(/iteration count 1 is below the minimum of 4096/);
  });

  it.each([
    ['iteration count 4095', `r=${nonce},s=QSXCR+Q6sek8bf92,i=4095`],
    ['iteration count over the cap', `r=${nonce},s=QSXCR+Q6sek8bf92,i=1000001`],
    ['a huge iteration count', `r=${nonce},s=QSXCR+Q6sek8bf92,i=99999999999999999999`],
    ['a leading zero', `r=${nonce},s=QSXCR+Q6sek8bf92,i=04096`],
    ['a negative count', `r=${nonce},s=QSXCR+Q6sek8bf92,i=-4096`],
    ['a count with a fraction', `r=${nonce},s=QSXCR+Q6sek8bf92,i=4096.5`],
    ['no iteration count', `r=${nonce},s=QSXCR+Q6sek8bf92`],
    ['an m= extension', `m=ext,r=${nonce},s=QSXCR+Q6sek8bf92,i=4096`],
    ['a trailing m= extension', `r=${nonce},s=QSXCR+Q6sek8bf92,i=4096,m=x`],
    ['a malformed extension', `r=${nonce},s=QSXCR+Q6sek8bf92,i=4096,junk`],
    ['an invalid salt', `r=${nonce},s=QSXCR+Q6sek8bf9,i=4096`],
    ['an empty salt', `r=${nonce},s=,i=4096`],
    ['attributes out of order', `s=QSXCR+Q6sek8bf92,r=${nonce},i=4096`],
    ['a nonce with a space', `r=${nonce} x,s=QSXCR+Q6sek8bf92,i=4096`],
    ['an early server-final', 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ='],
    ['only commas', ',,,'],
  ])('refuses %s', async (_, message) => {
    await expectSaslFailure(first(message));
  });

  it('reports an e= sent in place of server-first', async () => {
    const error = await expectSaslFailure(first('e=unknown-user'));
    expect(error.message).toContain('unknown-user');
  });

  it('refuses bytes that are not UTF-8', async () => {
    const mechanism = await started();
    await expectSaslFailure(mechanism.respond(new Uint8Array([0x72, 0x3d, 0xff])));
  });

  it('honours a lower maxIterations option', async () => {
    const mechanism = scram('SCRAM-SHA-1', undefined, {
      clientNonce: SHA1.clientNonce,
      maxIterations: 5000,
    });
    await mechanism.start();
    await expectSaslFailure(mechanism.respond(bytes(`r=${nonce},s=QSXCR+Q6sek8bf92,i=5001`)));
  });

  it('refuses a maxIterations below the RFC minimum', async () => {
    await expectSaslFailure(scram('SCRAM-SHA-1', undefined, { maxIterations: 1 }).start());
  });

  it('ignores a well-formed extension after i=', async () => {
    const mechanism = await started();
    const reply = text(await mechanism.respond(bytes(`${SHA1.serverFirst},x=future`)));
    expect(reply).toMatch(/^c=biws,r=.*,p=/);
  });
});

describe('SCRAM server-final-message checks', () => {
  async function final(message: string): Promise<SaslMechanism> {
    const mechanism = await started();
    await mechanism.respond(bytes(SHA1.serverFirst));
    await expectSaslFailure(mechanism.respond(bytes(message)));
    expect(mechanism.isComplete()).toBe(false);
    return mechanism;
  }

  it('fails on a tampered server signature', async () => {
    await final('v=rmF9pqV8S7suAoZWja4dJRkFsKA=');
  });

  it('turns e=invalid-proof into an error that names it', async () => {
    const mechanism = await started();
    await mechanism.respond(bytes(SHA1.serverFirst));
    const error = await expectSaslFailure(mechanism.respond(bytes('e=invalid-proof')));
    expect(error.message).toContain('invalid-proof');
  });

  it.each([
    ['a truncated signature', 'v=rmF9pqV8S7suAoZWja4dJRkF'],
    ['an empty signature', 'v='],
    ['signature not base64', 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ'],
    ['no verifier', 'x=rmF9pqV8S7suAoZWja4dJRkFsKQ='],
    ['a malformed extension', 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=,junk'],
    ['an empty message', ''],
  ])('fails on %s', async (_, message) => {
    await final(message);
  });

  it('keeps the e= text printable and short', async () => {
    const mechanism = await started();
    await mechanism.respond(bytes(SHA1.serverFirst));
    const error = await expectSaslFailure(
      mechanism.respond(bytes(`e=other-error\u001b[31m${'x'.repeat(500)}`)),
    );
    expect(error.message).not.toContain('\u001b');
    expect(error.message.length).toBeLessThan(150);
  });

  it('accepts a well-formed extension after v=', async () => {
    const mechanism = await started();
    await mechanism.respond(bytes(SHA1.serverFirst));
    await mechanism.respond(bytes(`${SHA1.serverFinal},x=1`));
    expect(mechanism.isComplete()).toBe(true);
  });

  it('refuses any challenge after the exchange is over, or after a failure', async () => {
    const mechanism = await started();
    await mechanism.respond(bytes(SHA1.serverFirst));
    await mechanism.respond(bytes(SHA1.serverFinal));
    await expectSaslFailure(mechanism.respond(bytes(SHA1.serverFinal)));
    const failed = await final('v=rmF9pqV8S7suAoZWja4dJRkFsKA=');
    await expectSaslFailure(failed.respond(bytes(SHA1.serverFinal)));
    expect(failed.isComplete()).toBe(false);
  });

  it('never puts the password in an error message', async () => {
    const messages: string[] = [];
    for (const message of ['e=invalid-proof', 'v=rmF9pqV8S7suAoZWja4dJRkFsKA=', 'v=x']) {
      const mechanism = await started();
      await mechanism.respond(bytes(SHA1.serverFirst));
      messages.push((await expectSaslFailure(mechanism.respond(bytes(message)))).message);
    }
    for (const message of messages) expect(message).not.toContain('pencil');
  });
});

describe('SCRAM initial response held back (RFC 5034 §4)', () => {
  it('answers an empty challenge before start() with the client-first-message', async () => {
    const mechanism = scram();
    expect(text(await mechanism.respond(new Uint8Array()))).toBe(SHA1.clientFirst);
    expect(text(await mechanism.respond(bytes(SHA1.serverFirst)))).toBe(SHA1.clientFinal);
  });

  it('answers one empty challenge after start() with the same message, once', async () => {
    const mechanism = await started();
    expect(text(await mechanism.respond(new Uint8Array()))).toBe(SHA1.clientFirst);
    await expectSaslFailure(mechanism.respond(new Uint8Array()));
  });

  it('refuses a non-empty challenge before start()', async () => {
    await expectSaslFailure(scram().respond(bytes(SHA1.serverFirst)));
  });
});
