// Finds the user name inside a client's first SASL response, so a failed
// login can be logged and throttled per user (docs/security.md #28) without
// ever keeping the secret. Pure; knows nothing of logs or sockets.

import { decodeBase64 } from '../pop3/sasl/base64.ts';

const UTF8 = new TextDecoder('utf-8', { fatal: true });
/**
 * A user name safe for a one-line log and a fail2ban regex: no whitespace, no
 * control or format characters (bidi overrides), at most 128 characters.
 */
const SAFE_NAME = /^[^\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}]{1,128}$/u;

/** The name if it is safe to log, else undefined (logged as `unknown`). */
export function safeUserName(name: string | undefined): string | undefined {
  return name !== undefined && SAFE_NAME.test(name) ? name : undefined;
}

/**
 * The key failed logins are counted under for a user name, compared the way
 * servers compare them (Dovecot's default auth_username_format is %Lu):
 * trimmed and case-folded, so `Demo`, `DEMO ` and `demo` share one allowance.
 * Unlike safeUserName, never undefined for a name, however odd: an odd name
 * is still a guess at someone's password.
 */
export function accountKey(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase();
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** RFC 5802 §5.1 saslname: `=2C` is a comma, `=3D` an equals sign. */
function unescapeSaslName(text: string): string | undefined {
  if (/=(?!2C|3D)/.test(text)) return undefined;
  return text.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/** The identity in the first SASL response, if it is safe to log. */
export function saslUserName(mechanism: string, base64: string): string | undefined {
  return safeUserName(saslIdentity(mechanism, base64));
}

/**
 * The authentication identity in the FIRST client response of `mechanism`.
 * Only the identity is decoded into a string; the rest of the payload (the
 * password for PLAIN) is never turned into text. Returns undefined when the
 * mechanism carries no name there (or the payload is malformed).
 */
export function saslIdentity(mechanism: string, base64: string): string | undefined {
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64(base64);
  } catch {
    return undefined;
  }
  switch (mechanism.toUpperCase()) {
    case 'PLAIN': {
      // RFC 4616 §2: [authzid] NUL authcid NUL passwd.
      const first = bytes.indexOf(0);
      const second = first < 0 ? -1 : bytes.indexOf(0, first + 1);
      const name = second < 0 ? undefined : decodeUtf8(bytes.subarray(first + 1, second));
      bytes.fill(0);
      return name;
    }
    case 'LOGIN':
      // draft-murchison-sasl-login: the first response is the user name.
      return decodeUtf8(bytes);
    case 'CRAM-MD5': {
      // RFC 2195 §2: "user SP digest"; the digest is not a secret but is not needed.
      const text = decodeUtf8(bytes);
      const space = text?.lastIndexOf(' ') ?? -1;
      return space > 0 ? text?.slice(0, space) : undefined;
    }
    default: {
      // RFC 5802 §5.1 (SCRAM-*): gs2-header "n=" saslname "," "r=" nonce.
      if (!mechanism.toUpperCase().startsWith('SCRAM-')) return undefined;
      const match = /^(?:[ny]|p=[^,]*),(?:a=[^,]*)?,n=([^,]*),r=/.exec(decodeUtf8(bytes) ?? '');
      return match?.[1] === undefined ? undefined : unescapeSaslName(match[1]);
    }
  }
}
