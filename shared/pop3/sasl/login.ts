// LOGIN (draft-murchison-sasl-login): the server prompts "Username:" then
// "Password:", each base64; the client answers each with the bare value.

import { encodeUtf8 } from './bytes.ts';
import { saslError, settle, type SaslCredentials, type SaslMechanism } from './mechanism.ts';

/** Only the letters of the prompt count: "Username:", "username", "User Name\0" all match. */
function promptWord(challenge: Uint8Array): string {
  let word = '';
  for (const byte of challenge.subarray(0, 32)) {
    if ((byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)) {
      word += String.fromCharCode(byte | 0x20);
    }
  }
  return word;
}

/** Client side of SASL LOGIN. */
export class LoginMechanism implements SaslMechanism {
  readonly name = 'LOGIN';
  readonly #credentials: SaslCredentials;
  #answered = 0;
  #isPasswordSent = false;

  constructor(credentials: SaslCredentials) {
    this.#credentials = credentials;
  }

  /** LOGIN has no initial response: the server speaks first. */
  start(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  /**
   * Answer by the prompt's text when it names the username or the password,
   * else by order (first username, then password): real servers vary the
   * wording. A third challenge is refused.
   */
  respond(challenge: Uint8Array): Promise<Uint8Array> {
    return settle(() => {
      if (this.#answered >= 2) throw saslError('LOGIN server sent more than two challenges');
      const word = promptWord(challenge);
      const isPassword =
        word.startsWith('pass') || (!word.startsWith('user') && this.#answered === 1);
      this.#answered++;
      if (!isPassword) return encodeUtf8('the LOGIN username', this.#credentials.username);
      const response = encodeUtf8('the LOGIN password', this.#credentials.password);
      this.#isPasswordSent = true;
      return response;
    });
  }

  isComplete(): boolean {
    return this.#isPasswordSent;
  }
}
