// CRAM-MD5 (RFC 2195): answer the server's one challenge with the user name,
// a space and the hex HMAC-MD5 of the challenge keyed by the password.

import { hmac } from '@noble/hashes/hmac.js';
import { md5 } from '@noble/hashes/legacy.js';
import { encodeUtf8, toHex } from './bytes.ts';
import { saslError, settle, type SaslCredentials, type SaslMechanism } from './mechanism.ts';

/** Client side of SASL CRAM-MD5. */
export class CramMd5Mechanism implements SaslMechanism {
  readonly name = 'CRAM-MD5';
  readonly #credentials: SaslCredentials;
  #isAnswered = false;

  constructor(credentials: SaslCredentials) {
    this.#credentials = credentials;
  }

  /** CRAM-MD5 has no initial response: the server sends the challenge first. */
  start(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  respond(challenge: Uint8Array): Promise<Uint8Array> {
    return settle(() => {
      // RFC 2195 §2: exactly one challenge, a msg-id; an empty one would
      // make the digest a function of the password alone.
      if (this.#isAnswered) throw saslError('CRAM-MD5 server sent a second challenge');
      if (challenge.length === 0) throw saslError('CRAM-MD5 challenge is empty');
      const key = encodeUtf8('the CRAM-MD5 password', this.#credentials.password);
      const digest = toHex(hmac(md5, key, challenge));
      this.#isAnswered = true;
      return encodeUtf8('the CRAM-MD5 username', `${this.#credentials.username} ${digest}`);
    });
  }

  isComplete(): boolean {
    return this.#isAnswered;
  }
}
