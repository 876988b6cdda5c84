// PLAIN (RFC 4616): one client message, authzid NUL authcid NUL passwd in
// UTF-8, sent as the initial response or after the server's empty challenge.

import { concatBytes } from '../bytes.ts';
import { encodeUtf8 } from './bytes.ts';
import { saslError, settle, type SaslCredentials, type SaslMechanism } from './mechanism.ts';

const NUL = new Uint8Array([0]);

/** Client side of SASL PLAIN. */
export class PlainMechanism implements SaslMechanism {
  readonly name = 'PLAIN';
  readonly #credentials: SaslCredentials;
  #isSent = false;
  #isChallengeAnswered = false;

  constructor(credentials: SaslCredentials) {
    this.#credentials = credentials;
  }

  start(): Promise<Uint8Array> {
    return settle(() => this.#message());
  }

  /**
   * RFC 5034 §4: a client that held back its initial response (the AUTH line
   * would pass 255 octets) gets an empty challenge and answers it with the
   * message. PLAIN has no other challenge, so anything else is refused.
   */
  respond(challenge: Uint8Array): Promise<Uint8Array> {
    return settle(() => {
      if (challenge.length > 0) throw saslError('PLAIN server sent a non-empty challenge');
      if (this.#isChallengeAnswered) throw saslError('PLAIN server challenged twice');
      this.#isChallengeAnswered = true;
      return this.#message();
    });
  }

  isComplete(): boolean {
    return this.#isSent;
  }

  #message(): Uint8Array {
    const { username, password, authzid = '' } = this.#credentials;
    // RFC 4616 §2: authcid and passwd are 1*SAFE, authzid may be empty, and
    // none may hold NUL, the separator.
    if (username === '' || password === '')
      throw saslError('PLAIN needs a username and a password');
    if (username.includes('\0') || password.includes('\0') || authzid.includes('\0')) {
      throw saslError('PLAIN credentials must not contain NUL');
    }
    const message = concatBytes([
      encodeUtf8('the PLAIN authzid', authzid),
      NUL,
      encodeUtf8('the PLAIN username', username),
      NUL,
      encodeUtf8('the PLAIN password', password),
    ]);
    this.#isSent = true;
    return message;
  }
}
