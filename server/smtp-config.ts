// The optional submission server of one upstream: SMTP_* in the environment,
// or an `smtp` object per server in CONFIG_FILE. Refuses at start-up what
// would send mail in the clear or to the relay port; every error names its key.

import { isIP } from 'node:net';
import type { Reader } from './config-reader.ts';
import type { ConfigInput, Source } from './config-reader.ts';
import type { UpstreamTarget } from './upstream.ts';

/**
 * Where the sender address comes from: the POP3 user name when it is an
 * address, or a template whose `%u` is the user name (`%u@example.org`).
 */
export type SenderRule = { kind: 'username' } | { kind: 'template'; template: string };

/** One upstream's submission server; configuration only (docs/security.md #62). */
export interface SubmissionConfig extends UpstreamTarget {
  sender: SenderRule;
  /** Tell the server the real client address first (Postfix XCLIENT, `smtpd_authorized_xclient_hosts`). */
  isXclient: boolean;
}

/** The submission ports of RFC 8314 §3.3 (465, implicit TLS) and RFC 6409 (587, STARTTLS). */
const IMPLICIT_PORT = 465;
const STARTTLS_PORT = 587;
/** RFC 5321 §4.5.4: port 25 is for relaying between servers, never for a person's submission. */
const RELAY_PORT = 25;
/** After `%u` is replaced: one local part, one domain, no spaces or brackets. */
const ADDRESS = /^[^\s@<>()",;:\\[\]]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

/** The `smtp` keys of a CONFIG_FILE server entry, by their environment names. */
export const SMTP_ENV_KEYS = {
  host: 'SMTP_HOST',
  port: 'SMTP_PORT',
  tls: 'SMTP_TLS',
  caFile: 'SMTP_CA_FILE',
  servername: 'SMTP_SERVERNAME',
  from: 'SMTP_FROM',
  xclient: 'SMTP_XCLIENT',
} as const;

/** The environment's SMTP_* values as a source for readSubmission. */
export function submissionFromEnv(env: Reader): Source | undefined {
  if (env.raw('SMTP_HOST') === undefined) {
    const stray = Object.values(SMTP_ENV_KEYS).find((key) => env.raw(key) !== undefined);
    if (stray) throw env.error(stray, 'needs SMTP_HOST');
    return undefined;
  }
  return Object.fromEntries(
    Object.entries(SMTP_ENV_KEYS).map(([field, key]) => [field, env.raw(key)]),
  );
}

/** Validate one submission server; `reader` names keys as the user wrote them. */
export function readSubmission(
  reader: Reader,
  readFile: ConfigInput['readFile'],
  readCa: (reader: Reader, readFile: ConfigInput['readFile']) => string | undefined,
): SubmissionConfig {
  const host = reader.string('host');
  if (!host || !/^[A-Za-z0-9.:_-]{1,253}$/.test(host)) {
    throw reader.error('host', 'must be a host name or IP address');
  }
  const mode = reader.string('tls', 'implicit');
  if (mode !== 'implicit' && mode !== 'starttls') {
    // There is no plaintext mode: a password must never cross the network in the clear.
    throw reader.error('tls', 'must be "implicit" (port 465) or "starttls" (port 587)');
  }
  const port = reader.int('port', mode === 'implicit' ? IMPLICIT_PORT : STARTTLS_PORT, 1, 65535);
  if (port === RELAY_PORT) {
    throw reader.error('port', '25 is the relay port, not submission; use 465 or 587');
  }
  // RFC 8314 §3.3: 465 speaks TLS from the first byte, 587 starts in plaintext.
  if (mode === 'implicit' && port === STARTTLS_PORT) {
    throw reader.error('port', '587 starts in plaintext; set tls=starttls or use port 465');
  }
  if (mode === 'starttls' && port === IMPLICIT_PORT) {
    throw reader.error('port', '465 is implicit TLS; set tls=implicit');
  }
  const servername = reader.string('servername');
  if (
    servername !== undefined &&
    (isIP(servername) || !/^[A-Za-z0-9.-]{1,253}$/.test(servername))
  ) {
    throw reader.error('servername', 'must be a DNS name');
  }
  const ca = readCa(reader, readFile);
  return {
    host,
    port,
    tls: mode,
    ...(ca ? { ca } : {}),
    ...(servername ? { servername } : {}),
    sender: readSender(reader),
    isXclient: reader.bool('xclient'),
  };
}

function readSender(reader: Reader): SenderRule {
  const template = reader.string('from');
  if (template === undefined) return { kind: 'username' };
  if (!template.includes('%u') || !ADDRESS.test(template.replaceAll('%u', 'user'))) {
    throw reader.error('from', 'must be an address template such as %u@example.org');
  }
  return { kind: 'template', template };
}

/** The sender address for `user` under `rule`, or undefined when there is none. */
export function senderAddress(rule: SenderRule, user: string): string | undefined {
  const address = rule.kind === 'username' ? user : rule.template.replaceAll('%u', user);
  return ADDRESS.test(address) ? address : undefined;
}
