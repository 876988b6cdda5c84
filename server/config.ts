// The gateway's typed configuration: environment variables plus an optional
// JSON file (CONFIG_FILE) with the same key names, validated once at start.
// Every error names its key. Reads no process state itself: main.ts passes
// the environment and a file reader in.

import proxyaddr from 'proxy-addr';
import type { UpstreamTarget } from './upstream.ts';
import { isPrivateAddress, isPublicBind } from './network.ts';
import { LIMIT_KEYS, type Limits } from './config-keys.ts';
import { ConfigError, Reader, type ConfigInput, type Source } from './config-reader.ts';
import { readUpstreams } from './config-upstreams.ts';
import type { SubmissionConfig } from './smtp-config.ts';

export { LIMIT_KEYS, helpText, type Limits } from './config-keys.ts';
export { ConfigError, type ConfigInput } from './config-reader.ts';
export type { SenderRule, SubmissionConfig } from './smtp-config.ts';

/** One upstream POP3 server the browser may name by `id` (docs/security.md #8). */
export interface UpstreamConfig extends UpstreamTarget {
  id: string;
  label: string;
  /** Its submission server; absent: sending is not set up for this server. */
  smtp?: SubmissionConfig;
}

/** Optional access control in front of the bridge (docs/security.md #4). */
export type AccessControl =
  | { kind: 'none' }
  /** A header set by the authenticating reverse proxy, trusted only from a trusted proxy. */
  | { kind: 'header'; header: string };

/** Where Prometheus metrics are served (docs/security.md: never to the public). */
export interface MetricsConfig {
  /** Its own listener; undefined: none. */
  port?: number;
  host: string;
  /** Or on the main listener, to `Authorization: Bearer <token>` only. */
  token?: string;
}

export interface Config {
  host: string;
  port: number;
  /** Always starts and ends with '/'. */
  basePath: string;
  upstreams: UpstreamConfig[];
  /** Addresses/CIDRs of the reverse proxies (proxy-addr names allowed); empty: none. */
  trustProxy: string[];
  /** Exact `scheme://host[:port]` origins allowed to open the WebSocket. */
  allowedOrigins: string[];
  /** Exact `Host` header values accepted (DNS-rebinding defence, docs/security.md #2). */
  allowedHosts: string[];
  access: AccessControl;
  staticDir: string;
  logLevel: string;
  metrics: MetricsConfig;
  /** Start-up warnings main.ts prints (a risky but allowed combination of settings). */
  warnings: string[];
  /** Demo credentials shown on the sign-in page; only in demo mode. */
  demo?: { username: string; password: string };
  limits: Limits;
}

function normalizeBasePath(value: string): string {
  if (!/^\/(?:[A-Za-z0-9._~-]+\/)*(?:[A-Za-z0-9._~-]+\/?)?$/.test(value) || value.includes('..')) {
    throw new ConfigError(
      'BASE_PATH',
      `must be a URL path like "/" or "/mail/", got ${JSON.stringify(value)}`,
    );
  }
  return value.endsWith('/') ? value : `${value}/`;
}

/** docs/security.md #1: exact scheme://host[:port], no path, no wildcard, never "null". */
function normalizeOrigin(key: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      key,
      `${JSON.stringify(value)} is not an origin like https://mail.example.org`,
    );
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.origin !== value.replace(/\/$/, '')
  ) {
    throw new ConfigError(key, `${JSON.stringify(value)} must be exactly scheme://host[:port]`);
  }
  // WHATWG URL accepts "*" in a host name; an allowlist entry never has one.
  if (!/^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/.test(url.hostname)) {
    throw new ConfigError(key, `${JSON.stringify(value)} must be one exact origin, no wildcard`);
  }
  return url.origin;
}

/**
 * docs/security.md #23 and docs/security.md: X-Forwarded-For (and ACCESS_HEADER) are
 * believed only from listed proxy addresses. A hop count or `true` would
 * believe any peer that connects directly, so they are refused with the
 * setting to write instead.
 */
function readTrustProxy(reader: Reader): string[] {
  const value = reader.raw('TRUST_PROXY');
  if (value === undefined || value === false || value === 'false') return [];
  const text = typeof value === 'string' || typeof value === 'number' ? String(value) : 'true';
  if (value === true || text === 'true' || /^\d+$/.test(text)) {
    throw new ConfigError(
      'TRUST_PROXY',
      `${text} would believe X-Forwarded-For from any client that connects directly; ` +
        'list your proxies instead: TRUST_PROXY=loopback for a proxy on this host, or its address ' +
        'or CIDR (e.g. TRUST_PROXY=10.0.0.5)',
    );
  }
  const list = reader.list('TRUST_PROXY') ?? [];
  for (const entry of list) {
    if (/\/0$/.test(entry) || entry === '0.0.0.0' || entry === '::') {
      throw new ConfigError('TRUST_PROXY', `${entry} trusts every address; list your proxies only`);
    }
  }
  try {
    proxyaddr.compile(list);
  } catch (error) {
    throw new ConfigError('TRUST_PROXY', (error as Error).message);
  }
  return list;
}

/** True when every trusted proxy entry is a loopback address, which no remote client can be. */
function isLoopbackOnly(list: readonly string[]): boolean {
  return list.every(
    (entry) =>
      entry === 'loopback' || /^127\./.test(entry) || entry === '::1' || entry === '::1/128',
  );
}

function readMetrics(reader: Reader): MetricsConfig {
  const port =
    reader.raw('METRICS_PORT') === undefined ? undefined : reader.int('METRICS_PORT', 0, 0, 65535);
  const host = reader.string('METRICS_HOST', '127.0.0.1') ?? '127.0.0.1';
  const token = reader.string('METRICS_TOKEN');
  if (token !== undefined && token.length < 16)
    throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters');
  if (port !== undefined && !isPrivateAddress(host) && !reader.bool('ALLOW_PUBLIC_BIND')) {
    throw new ConfigError(
      'METRICS_HOST',
      `${host} is public; metrics belong on loopback or a private network`,
    );
  }
  return { host, ...(port !== undefined ? { port } : {}), ...(token ? { token } : {}) };
}

/** Parse and validate; throws ConfigError naming the key. */
export function loadConfig(input: ConfigInput): Config {
  const envReader = new Reader(input.env);
  const configFile = envReader.string('CONFIG_FILE');
  let file: Source = {};
  if (configFile !== undefined) {
    try {
      const parsed: unknown = JSON.parse(input.readFile(configFile));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not a JSON object');
      file = parsed as Source;
    } catch (error) {
      throw new ConfigError('CONFIG_FILE', `cannot use ${configFile}: ${(error as Error).message}`);
    }
  }
  // The environment wins over the file, key by key.
  const merged = new Reader({
    ...file,
    ...Object.fromEntries(Object.entries(input.env).filter(([, v]) => v !== undefined && v !== '')),
  });
  const host = merged.string('HOST', '127.0.0.1') ?? '127.0.0.1';
  const port = merged.int('PORT', 8080, 0, 65535);
  if (isPublicBind(host) && !merged.bool('ALLOW_PUBLIC_BIND')) {
    throw new ConfigError(
      'HOST',
      `${host} is not a loopback or private address; the gateway speaks plain HTTP/ws and belongs behind a TLS reverse proxy. Set ALLOW_PUBLIC_BIND=1 if you really mean it (docs/security.md #24)`,
    );
  }
  const origins = merged
    .list('ALLOWED_ORIGINS')
    ?.map((origin) => normalizeOrigin('ALLOWED_ORIGINS', origin));
  const hosts = merged.list('ALLOWED_HOSTS')?.map((value) => value.toLowerCase());
  const defaultHosts = [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`];
  if (!['127.0.0.1', '::1', 'localhost', '0.0.0.0', '::'].includes(host))
    defaultHosts.push(`${host.includes(':') ? `[${host}]` : host}:${port}`);
  const allowedHosts = hosts ?? [
    ...defaultHosts,
    ...(origins ?? []).map((origin) => new URL(origin).host),
  ];
  // Default: the origins of the allowed hosts, i.e. the origin the page was
  // served from, derived from configuration and never from the request.
  const allowedOrigins = origins ?? allowedHosts.flatMap((h) => [`http://${h}`, `https://${h}`]);
  const header = merged.string('ACCESS_HEADER');
  if (header !== undefined && !/^[A-Za-z0-9-]{1,64}$/.test(header))
    throw new ConfigError('ACCESS_HEADER', 'must be an HTTP header name');
  if (merged.raw('ACCESS_TOKEN_SECRET') !== undefined)
    throw new ConfigError(
      'ACCESS_TOKEN_SECRET',
      'is no longer supported; use ACCESS_HEADER with an authenticating proxy',
    );
  const trustProxy = readTrustProxy(merged);
  if (header !== undefined && trustProxy.length === 0)
    throw new ConfigError(
      'ACCESS_HEADER',
      'needs TRUST_PROXY: the header is believed only from your proxy',
    );
  const warnings: string[] = [];
  if (isPublicBind(host) && !isLoopbackOnly(trustProxy)) {
    warnings.push(
      `HOST=${host} is public and TRUST_PROXY=${trustProxy.join(',')} trusts non-loopback ` +
        'addresses: a client inside those ranges that reaches the gateway directly can choose ' +
        'its own address. Bind the gateway where only your proxy reaches it.',
    );
  }
  const limits = Object.fromEntries(
    LIMIT_KEYS.map(({ key, field, fallback, min, max }) => [
      field,
      merged.int(key, fallback, min, max),
    ]),
  ) as unknown as Limits;
  if (limits.lowWaterMark >= limits.highWaterMark)
    throw new ConfigError('LOW_WATER_MARK', 'must be below HIGH_WATER_MARK');
  const logLevel = merged.string('LOG_LEVEL', 'info') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel))
    throw new ConfigError('LOG_LEVEL', 'must be fatal, error, warn, info, debug, trace or silent');
  return {
    host,
    port,
    basePath: normalizeBasePath(merged.string('BASE_PATH', '/') ?? '/'),
    upstreams: readUpstreams(merged, input.readFile),
    trustProxy,
    allowedOrigins,
    allowedHosts,
    access: header ? { kind: 'header', header: header.toLowerCase() } : { kind: 'none' },
    staticDir: merged.string('STATIC_DIR', 'dist/client') ?? 'dist/client',
    logLevel,
    metrics: readMetrics(merged),
    warnings,
    limits,
  };
}
