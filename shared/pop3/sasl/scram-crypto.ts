// The SCRAM key schedule (RFC 5802 §3) on WebCrypto: Hi is PBKDF2, HMAC and H
// are crypto.subtle. No parsing here, no protocol state.

import { encodeUtf8 } from './bytes.ts';

/** The hashes SCRAM runs on here: RFC 5802 (SHA-1) and RFC 7677 (SHA-256). */
export type ScramHash = 'SHA-1' | 'SHA-256';

const OUTPUT_BITS: Record<ScramHash, number> = { 'SHA-1': 160, 'SHA-256': 256 };
const CLIENT_KEY = encodeUtf8('SCRAM label', 'Client Key');
const SERVER_KEY = encodeUtf8('SCRAM label', 'Server Key');

async function hmac(
  hash: ScramHash,
  key: Uint8Array<ArrayBuffer>,
  data: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const cryptoKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash }, false, [
    'sign',
  ]);
  return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, data));
}

/** What the client sends and what it expects back, for one exchange. */
export interface ScramProof {
  clientProof: Uint8Array<ArrayBuffer>;
  serverSignature: Uint8Array<ArrayBuffer>;
}

/**
 * RFC 5802 §3: SaltedPassword = Hi(password, salt, i); ClientKey, StoredKey,
 * ClientSignature over AuthMessage, ClientProof = ClientKey XOR
 * ClientSignature; ServerSignature = HMAC(ServerKey, AuthMessage).
 * `password` is already SASLprepped UTF-8.
 */
export async function computeScramProof(
  hash: ScramHash,
  password: Uint8Array<ArrayBuffer>,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
  authMessage: Uint8Array<ArrayBuffer>,
): Promise<ScramProof> {
  const baseKey = await crypto.subtle.importKey('raw', password, 'PBKDF2', false, ['deriveBits']);
  const saltedPassword = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash, salt, iterations },
      baseKey,
      OUTPUT_BITS[hash],
    ),
  );
  const clientKey = await hmac(hash, saltedPassword, CLIENT_KEY);
  const storedKey = new Uint8Array(await crypto.subtle.digest(hash, clientKey));
  const clientSignature = await hmac(hash, storedKey, authMessage);
  const clientProof = clientKey.map((byte, i) => byte ^ (clientSignature[i] ?? 0));
  const serverKey = await hmac(hash, saltedPassword, SERVER_KEY);
  const serverSignature = await hmac(hash, serverKey, authMessage);
  return { clientProof, serverSignature };
}
