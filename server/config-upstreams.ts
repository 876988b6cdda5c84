// The upstream servers of the configuration: POP3_* (and SMTP_*) in the
// environment, or SERVERS in CONFIG_FILE, each with its optional submission
// server; every error names its key as the user wrote it.

import { isIP } from 'node:net';
import { SERVER_ID } from '../shared/bridge/codec.ts';
import type { UpstreamConfig } from './config.ts';
import { ConfigError, Reader, type ConfigInput, type Source } from './config-reader.ts';
import {
  readSubmission,
  SMTP_ENV_KEYS,
  submissionFromEnv,
  type SubmissionConfig,
} from './smtp-config.ts';

/** The PEM bundle named by `caFile`, checked to hold a certificate. */
function readCa(reader: Reader, readFile: ConfigInput['readFile']): string | undefined {
  const caFile = reader.string('caFile');
  if (caFile === undefined) return undefined;
  let ca: string;
  try {
    ca = readFile(caFile);
  } catch (error) {
    throw reader.error('caFile', `cannot read ${caFile}: ${(error as Error).message}`);
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----'))
    throw reader.error('caFile', `${caFile} holds no PEM certificate`);
  return ca;
}

function readSmtp(
  outer: Reader,
  name: (key: string) => string,
  readFile: ConfigInput['readFile'],
): SubmissionConfig | undefined {
  const value = outer.raw('smtp');
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw outer.error('smtp', 'must be an object');
  }
  return readSubmission(new Reader(value as Source, name), readFile, readCa);
}

function readUpstream(
  source: Source,
  name: (key: string) => string,
  readFile: ConfigInput['readFile'],
  smtpName: (key: string) => string = (key) => name(`smtp.${key}`),
): UpstreamConfig {
  const reader = new Reader(source, name);
  const at = (key: string, problem: string): ConfigError => reader.error(key, problem);
  const id = reader.string('id') ?? 'main';
  if (!SERVER_ID.test(id))
    throw at('id', 'must be lower-case letters, digits, "-" or "_" (max 64)');
  const host = reader.string('host');
  if (!host || !/^[A-Za-z0-9.:_-]{1,253}$/.test(host))
    throw at('host', 'must be a host name or IP address');
  const mode = reader.string('tls', 'implicit');
  if (mode !== 'implicit' && mode !== 'starttls')
    throw at('tls', 'must be "implicit" or "starttls"');
  const port = reader.int('port', mode === 'implicit' ? 995 : 110, 1, 65535);
  // docs/security.md #11: implicit TLS on the plaintext port is a misconfiguration,
  // and 995 never speaks STLS (RFC 8314 §3.3).
  if (mode === 'implicit' && port === 110)
    throw at('port', '110 is plaintext POP3; use 995 or tls=starttls');
  if (mode === 'starttls' && port === 995)
    throw at('port', '995 is implicit TLS; use tls=implicit');
  const ca = readCa(reader, readFile);
  const servername = reader.string('servername');
  if (
    servername !== undefined &&
    (isIP(servername) || !/^[A-Za-z0-9.-]{1,253}$/.test(servername))
  ) {
    throw at('servername', 'must be a DNS name');
  }
  const label = reader.string('label') ?? host;
  if (label.length > 100) throw at('label', 'must be at most 100 characters');
  const smtp = readSmtp(reader, smtpName, readFile);
  return {
    id,
    label,
    host,
    port,
    tls: mode,
    ...(ca ? { ca } : {}),
    ...(servername ? { servername } : {}),
    ...(smtp ? { smtp } : {}),
  };
}

export function readUpstreams(env: Reader, readFile: ConfigInput['readFile']): UpstreamConfig[] {
  const fromFile = env.raw('SERVERS');
  const fromEnv = env.string('POP3_HOST');
  if (fromEnv === undefined && env.raw('SMTP_HOST') !== undefined) {
    throw new ConfigError(
      'SMTP_HOST',
      'needs POP3_HOST (or an smtp object in CONFIG_FILE SERVERS)',
    );
  }
  if (fromFile !== undefined && fromEnv !== undefined) {
    throw new ConfigError(
      'POP3_HOST',
      'set the upstream in POP3_* or in CONFIG_FILE SERVERS, not both',
    );
  }
  if (fromEnv !== undefined) {
    return [
      readUpstream(
        {
          id: env.raw('POP3_ID'),
          host: fromEnv,
          port: env.raw('POP3_PORT'),
          tls: env.raw('POP3_TLS'),
          caFile: env.raw('POP3_CA_FILE'),
          servername: env.raw('POP3_SERVERNAME'),
          label: env.raw('POP3_LABEL'),
          smtp: submissionFromEnv(env),
        },
        (key) => `POP3_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`,
        readFile,
        // Any POP3 setting name may be asked; only the SMTP ones are renamed.
        (key) => (SMTP_ENV_KEYS as Partial<Record<string, string>>)[key] ?? key,
      ),
    ];
  }
  if (fromFile === undefined) return [];
  if (!Array.isArray(fromFile)) throw new ConfigError('SERVERS', 'must be an array of servers');
  const upstreams = fromFile.map((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null)
      throw new ConfigError(`SERVERS[${index}]`, 'must be an object');
    return readUpstream(entry as Source, (key) => `SERVERS[${index}].${key}`, readFile);
  });
  const ids = new Set<string>();
  for (const [index, upstream] of upstreams.entries()) {
    if (ids.has(upstream.id))
      throw new ConfigError(`SERVERS[${index}].id`, `duplicate id "${upstream.id}"`);
    ids.add(upstream.id);
  }
  return upstreams;
}
