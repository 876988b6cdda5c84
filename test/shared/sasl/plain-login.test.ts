// PLAIN (RFC 4616) and LOGIN: byte-exact messages, the held-back initial
// response of RFC 5034 §4, and the challenges each must refuse.

import { describe, expect, it } from 'vitest';
import {
  createSaslMechanism,
  type SaslCredentials,
  type SaslMechanism,
} from '../../../shared/pop3/sasl/index.ts';
import { bytes, expectSaslFailure, fromBase64, toBase64 } from './helpers.ts';

function create(name: string, credentials: SaslCredentials): SaslMechanism {
  const mechanism = createSaslMechanism(name, credentials);
  if (!mechanism) throw new Error(`no ${name}`);
  return mechanism;
}

describe('PLAIN', () => {
  it('sends NUL tim NUL tanstaaftanstaaf (RFC 4616 §4 example)', async () => {
    const mechanism = create('PLAIN', { username: 'tim', password: 'tanstaaftanstaaf' });
    expect(mechanism.isComplete()).toBe(false);
    const initial = await mechanism.start();
    expect(initial).toEqual(bytes('\u0000tim\u0000tanstaaftanstaaf'));
    expect(toBase64(initial)).toBe('AHRpbQB0YW5zdGFhZnRhbnN0YWFm');
    expect(mechanism.isComplete()).toBe(true);
  });

  it('puts the authzid first', async () => {
    const mechanism = create('PLAIN', { username: 'Ursel', password: 'kurt', authzid: 'Kurt' });
    expect(await mechanism.start()).toEqual(bytes('Kurt\u0000Ursel\u0000kurt'));
  });

  it('encodes non-ASCII as UTF-8, unprepared', async () => {
    const mechanism = create('PLAIN', { username: 'jöhn', password: 'p\u00e4ss\u00ADwort' });
    expect(await mechanism.start()).toEqual(
      new Uint8Array([
        0x00, 0x6a, 0xc3, 0xb6, 0x68, 0x6e, 0x00, 0x70, 0xc3, 0xa4, 0x73, 0x73, 0xc2, 0xad, 0x77,
        0x6f, 0x72, 0x74,
      ]),
    );
  });

  it('answers the empty challenge with the same message, once', async () => {
    const mechanism = create('PLAIN', { username: 'tim', password: 'tanstaaf' });
    expect(await mechanism.respond(new Uint8Array())).toEqual(bytes('\u0000tim\u0000tanstaaf'));
    expect(mechanism.isComplete()).toBe(true);
    await expectSaslFailure(mechanism.respond(new Uint8Array()));
  });

  it('refuses a non-empty challenge', async () => {
    await expectSaslFailure(
      create('PLAIN', { username: 'tim', password: 'x' }).respond(bytes('hi')),
    );
  });

  it.each([
    ['NUL in the password', { username: 'tim', password: 'tan\u0000staaf' }],
    ['NUL in the username', { username: 't\u0000im', password: 'tanstaaf' }],
    ['NUL in the authzid', { username: 'tim', password: 'tanstaaf', authzid: '\u0000' }],
    ['an empty password', { username: 'tim', password: '' }],
    ['an empty username', { username: '', password: 'tanstaaf' }],
    ['a lone surrogate', { username: 'tim', password: 'tan\uDC00staaf' }],
  ])('refuses %s, without echoing the password', async (_, credentials) => {
    const mechanism = create('PLAIN', credentials);
    const error = await expectSaslFailure(mechanism.start());
    expect(error.message).not.toContain('staaf');
    expect(mechanism.isComplete()).toBe(false);
  });
});

describe('LOGIN', () => {
  const credentials = { username: 'tim', password: 'tanstaaf' };

  it('waits for the server, then answers Username: and Password:', async () => {
    const mechanism = create('LOGIN', credentials);
    expect(await mechanism.start()).toBeUndefined();
    expect(await mechanism.respond(fromBase64('VXNlcm5hbWU6'))).toEqual(bytes('tim'));
    expect(mechanism.isComplete()).toBe(false);
    expect(await mechanism.respond(fromBase64('UGFzc3dvcmQ6'))).toEqual(bytes('tanstaaf'));
    expect(mechanism.isComplete()).toBe(true);
  });

  it.each([
    ['lower case', 'username:', 'password:'],
    ['upper case', 'USERNAME:', 'PASSWORD:'],
    ['Exchange style', 'User Name\u0000', 'Password\u0000'],
    ['unknown wording, by order', 'Who are you?', 'Prove it'],
    ['empty prompts, by order', '', ''],
  ])('%s', async (_, first, second) => {
    const mechanism = create('LOGIN', credentials);
    expect(await mechanism.respond(bytes(first))).toEqual(bytes('tim'));
    expect(await mechanism.respond(bytes(second))).toEqual(bytes('tanstaaf'));
    expect(mechanism.isComplete()).toBe(true);
  });

  it('follows the prompt when it names the field', async () => {
    const mechanism = create('LOGIN', credentials);
    expect(await mechanism.respond(bytes('Password:'))).toEqual(bytes('tanstaaf'));
    expect(await mechanism.respond(bytes('Username:'))).toEqual(bytes('tim'));
  });

  it('encodes non-ASCII credentials as UTF-8', async () => {
    const mechanism = create('LOGIN', { username: 'jöhn', password: 'pässwort' });
    expect(await mechanism.respond(bytes('Username:'))).toEqual(bytes('jöhn'));
    expect(await mechanism.respond(bytes('Password:'))).toEqual(bytes('pässwort'));
  });

  it('refuses a third challenge', async () => {
    const mechanism = create('LOGIN', credentials);
    await mechanism.respond(bytes('Username:'));
    await mechanism.respond(bytes('Password:'));
    await expectSaslFailure(mechanism.respond(bytes('Password:')));
  });
});
