// SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677) client, no channel binding:
// messages, strict checks of what the server sends, and its proof of the password.

import { decodeBase64, encodeBase64 } from './base64.ts';
import { decodeUtf8, encodeUtf8, equalBytes } from './bytes.ts';
import {
  saslError,
  settle,
  type SaslCredentials,
  type SaslMechanism,
  type SaslOptions,
} from './mechanism.ts';
import { saslPrep } from './saslprep.ts';
import { computeScramProof, type ScramHash } from './scram-crypto.ts';

/** RFC 7677 §4 and RFC 5802 §5.1: a server SHOULD use at least 4096 iterations. */
export const SCRAM_MIN_ITERATIONS = 4096;
/** Default ceiling on the server's iteration count: PBKDF2 must not become a CPU trap. */
export const SCRAM_MAX_ITERATIONS = 1_000_000;

// RFC 5802 §7: printable = %x21-2B / %x2D-7E (no comma).
const PRINTABLE = /^[\x21-\x2b\x2d-\x7e]+$/;
// posit-number = %x31-39 *DIGIT; ten digits already pass any sane ceiling.
const POSITIVE_NUMBER = /^[1-9][0-9]{0,9}$/;
// RFC 5802 §7: attr-val = ALPHA "=" value; value-char excludes NUL and ",".
const EXTENSION = /^[A-Za-z]=[^\0]+$/;
const NONCE_BYTES = 24;

type State =
  | 'initial'
  | 'awaiting-server-first'
  | 'computing'
  | 'awaiting-server-final'
  | 'verified'
  | 'failed';

/** RFC 5802 §5.1: in a saslname, "=" becomes "=3D" and "," becomes "=2C". */
function escapeSaslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function randomNonce(): string {
  return encodeBase64(crypto.getRandomValues(new Uint8Array(NONCE_BYTES)));
}

/** `name=value` attribute, or a SASL failure naming what was expected. */
function attribute(part: string | undefined, name: string, what: string): string {
  if (part === undefined || !part.startsWith(`${name}=`)) {
    throw saslError(`SCRAM ${what} lacks its ${name}= attribute`);
  }
  return part.slice(2);
}

function checkExtensions(parts: readonly string[], what: string): void {
  for (const part of parts) {
    // RFC 5802 §5.1: m= is reserved; an unknown mandatory extension fails.
    if (part.startsWith('m='))
      throw saslError(`SCRAM ${what} asks for an unsupported m= extension`);
    if (!EXTENSION.test(part)) throw saslError(`SCRAM ${what} has a malformed attribute`);
  }
}

/** Server text for a log line: the `e=` value, printable and short. */
function describeServerError(value: string): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '?').slice(0, 64);
  return clean === '' ? 'no reason given' : clean;
}

/** Client side of SCRAM-SHA-1 / SCRAM-SHA-256 without channel binding. */
export class ScramMechanism implements SaslMechanism {
  readonly name: 'SCRAM-SHA-1' | 'SCRAM-SHA-256';
  readonly #hash: ScramHash;
  readonly #credentials: SaslCredentials;
  readonly #options: SaslOptions;
  #state: State = 'initial';
  #isInitialResent = false;
  #clientNonce = '';
  #gs2Header = '';
  #clientFirstBare = '';
  #password: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  #serverSignature: Uint8Array = new Uint8Array(0);

  constructor(hash: ScramHash, credentials: SaslCredentials, options: SaslOptions = {}) {
    this.#hash = hash;
    this.name = hash === 'SHA-1' ? 'SCRAM-SHA-1' : 'SCRAM-SHA-256';
    this.#credentials = credentials;
    this.#options = options;
  }

  /** The client-first-message, `n,,n=user,r=nonce` (RFC 5802 §5.1). */
  start(): Promise<Uint8Array> {
    return settle(() => this.#guard(() => this.#clientFirst()));
  }

  /**
   * Answer server-first with client-final, then verify server-final. In POP3
   * the server-final `v=` arrives as a `+` challenge (RFC 5034 §4 allows no
   * data with +OK): the answer is empty bytes, and isComplete() turns true.
   * An empty challenge before server-first asks for the initial response the
   * client held back (RFC 5034 §4); it is answered once.
   */
  async respond(challenge: Uint8Array): Promise<Uint8Array> {
    const state = this.#state;
    if (challenge.length === 0 && !this.#isInitialResent) {
      if (state === 'initial' || state === 'awaiting-server-first') {
        this.#isInitialResent = true;
        return state === 'initial' ? this.start() : this.#clientFirstMessage();
      }
    }
    if (state === 'awaiting-server-first') {
      this.#state = 'computing';
      return await this.#guardAsync(() => this.#clientFinal(challenge));
    }
    if (state === 'awaiting-server-final') {
      return this.#guard(() => this.#verifyServerFinal(challenge));
    }
    throw saslError(`SCRAM got a challenge it cannot take now (${state})`);
  }

  isComplete(): boolean {
    return this.#state === 'verified';
  }

  #guard<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      this.#state = 'failed';
      throw error;
    }
  }

  async #guardAsync<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      this.#state = 'failed';
      throw error;
    }
  }

  #clientFirstMessage(): Uint8Array<ArrayBuffer> {
    return encodeUtf8('the SCRAM message', this.#gs2Header + this.#clientFirstBare);
  }

  #clientFirst(): Uint8Array<ArrayBuffer> {
    const { username, password, authzid = '' } = this.#credentials;
    const { clientNonce = randomNonce(), maxIterations = SCRAM_MAX_ITERATIONS } = this.#options;
    if (!PRINTABLE.test(clientNonce)) {
      throw saslError('SCRAM client nonce must be printable ASCII without a comma');
    }
    if (!Number.isSafeInteger(maxIterations) || maxIterations < SCRAM_MIN_ITERATIONS) {
      throw saslError(`SCRAM maxIterations must be an integer of at least ${SCRAM_MIN_ITERATIONS}`);
    }
    // RFC 5802 §5.1: the user name SHOULD be SASLprepped and the exchange
    // aborted if that fails or leaves nothing; the password goes through
    // Normalize() (§2.2) before Hi.
    const preparedName = saslPrep('the SCRAM username', username);
    if (preparedName === '') throw saslError('SCRAM needs a username');
    const preparedPassword = saslPrep('the SCRAM password', password);
    if (preparedPassword === '') throw saslError('SCRAM needs a non-empty password');
    // saslname excludes NUL (value-safe-char); SASLprep already refused it in the name.
    if (authzid.includes('\0')) throw saslError('SCRAM authzid must not contain NUL');

    this.#password = encodeUtf8('the SCRAM password', preparedPassword);
    this.#clientNonce = clientNonce;
    // RFC 5802 §7: gs2-header = "n," [ "a=" saslname ] ","; "n": no channel binding.
    this.#gs2Header = authzid === '' ? 'n,,' : `n,a=${escapeSaslName(authzid)},`;
    this.#clientFirstBare = `n=${escapeSaslName(preparedName)},r=${clientNonce}`;
    const message = this.#clientFirstMessage();
    this.#state = 'awaiting-server-first';
    return message;
  }

  async #clientFinal(challenge: Uint8Array): Promise<Uint8Array> {
    const serverFirst = decodeUtf8('SCRAM server-first-message', challenge);
    const parts = serverFirst.split(',');
    // RFC 5802 §7: server-first-message = [reserved-mext ","] nonce "," salt
    // "," iteration-count ["," extensions].
    // Some servers refuse early, e.g. e=unknown-user, where server-first belongs.
    if (parts[0]?.startsWith('e=')) {
      throw saslError(
        `SCRAM server refused the authentication: ${describeServerError(parts[0].slice(2))}`,
      );
    }
    if (parts[0]?.startsWith('m=')) {
      throw saslError('SCRAM server-first-message asks for an unsupported m= extension');
    }
    const nonce = attribute(parts[0], 'r', 'server-first-message');
    const saltText = attribute(parts[1], 's', 'server-first-message');
    const iterationText = attribute(parts[2], 'i', 'server-first-message');
    checkExtensions(parts.slice(3), 'server-first-message');

    // RFC 5802 §5.1: the nonce is ours followed by the server's own part; a
    // server that echoes ours alone, or changes it, is not doing SCRAM.
    if (
      !PRINTABLE.test(nonce) ||
      !nonce.startsWith(this.#clientNonce) ||
      nonce.length === this.#clientNonce.length
    ) {
      throw saslError('SCRAM server nonce does not extend the client nonce');
    }
    let salt: Uint8Array<ArrayBuffer>;
    try {
      salt = decodeBase64(saltText);
    } catch (cause) {
      throw saslError('SCRAM salt is not valid base64', { cause });
    }
    if (salt.length === 0) throw saslError('SCRAM salt is empty');
    const iterations = this.#checkIterations(iterationText);

    const channelBinding = encodeBase64(encodeUtf8('the SCRAM authzid', this.#gs2Header));
    const withoutProof = `c=${channelBinding},r=${nonce}`;
    const authMessage = `${this.#clientFirstBare},${serverFirst},${withoutProof}`;
    const { clientProof, serverSignature } = await computeScramProof(
      this.#hash,
      this.#password,
      salt,
      iterations,
      encodeUtf8('the SCRAM AuthMessage', authMessage),
    );
    this.#serverSignature = serverSignature;
    this.#state = 'awaiting-server-final';
    return encodeUtf8('the SCRAM message', `${withoutProof},p=${encodeBase64(clientProof)}`);
  }

  #checkIterations(text: string): number {
    if (!POSITIVE_NUMBER.test(text)) {
      throw saslError('SCRAM iteration count is not a positive decimal number');
    }
    const iterations = Number(text);
    if (iterations < SCRAM_MIN_ITERATIONS) {
      throw saslError(
        `SCRAM iteration count ${iterations} is below the minimum of ${SCRAM_MIN_ITERATIONS} ` +
          '(RFC 7677 §4); refusing a weakly protected password',
      );
    }
    const limit = this.#options.maxIterations ?? SCRAM_MAX_ITERATIONS;
    if (iterations > limit) {
      throw saslError(`SCRAM iteration count ${iterations} is above the limit of ${limit}`);
    }
    return iterations;
  }

  #verifyServerFinal(challenge: Uint8Array): Uint8Array {
    const parts = decodeUtf8('SCRAM server-final-message', challenge).split(',');
    // RFC 5802 §7: server-final-message = (server-error / verifier) ["," extensions].
    const first = parts[0] ?? '';
    if (first.startsWith('e=')) {
      throw saslError(
        `SCRAM server refused the authentication: ${describeServerError(first.slice(2))}`,
      );
    }
    const verifier = attribute(first, 'v', 'server-final-message');
    checkExtensions(parts.slice(1), 'server-final-message');
    let signature: Uint8Array;
    try {
      signature = decodeBase64(verifier);
    } catch (cause) {
      throw saslError('SCRAM server signature is not valid base64', { cause });
    }
    // RFC 5802 §5.1: the client MUST verify v=; a server that cannot is an
    // impostor that does not know the password.
    if (!equalBytes(signature, this.#serverSignature)) {
      throw saslError('SCRAM server signature does not verify: the server may be an impostor');
    }
    this.#state = 'verified';
    return new Uint8Array(0);
  }
}
