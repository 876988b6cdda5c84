// Makes throwaway X.509 material: a private CA and server certificates it
// signs (or that sign themselves). Used by the demo server at start and by
// tests for Dovecot and for bad-certificate cases. Never for production.

import { generate } from 'selfsigned';

export interface KeyAndCert {
  /** PEM private key. */
  key: string;
  /** PEM certificate. */
  cert: string;
}

export interface ServerCertOptions {
  /** DNS names and IP addresses the certificate is valid for. */
  names: readonly string[];
  /** Signing CA; when absent the certificate signs itself. */
  ca?: KeyAndCert;
  notBefore?: Date;
  notAfter?: Date;
  commonName?: string;
}

const DAY = 86_400_000;

/** PEM text ends with a newline, so key and certificate files concatenate cleanly. */
function pem(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
const IP = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:]*)$/i;

/** A fresh CA, valid from a day ago for a year (EC P-256: fast to make). */
export async function createCa(commonName = 'POP3 webmail test CA'): Promise<KeyAndCert> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - DAY),
    notAfterDate: new Date(Date.now() + 365 * DAY),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { key: pem(pems.private), cert: pem(pems.cert) };
}

/** A server certificate for `names`, signed by `ca` (or by itself). */
export async function createServerCert(options: ServerCertOptions): Promise<KeyAndCert> {
  const notBefore = options.notBefore ?? new Date(Date.now() - DAY);
  const pems = await generate(
    [{ name: 'commonName', value: options.commonName ?? options.names[0] ?? 'localhost' }],
    {
      keyType: 'ec',
      algorithm: 'sha256',
      notBeforeDate: notBefore,
      notAfterDate: options.notAfter ?? new Date(notBefore.getTime() + 366 * DAY),
      ...(options.ca ? { ca: { key: options.ca.key, cert: options.ca.cert } } : {}),
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: options.names.map((name) =>
            IP.test(name) ? { type: 7, ip: name } : { type: 2, value: name },
          ),
        },
      ],
    },
  );
  return { key: pem(pems.private), cert: pem(pems.cert) };
}
