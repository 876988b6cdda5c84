// The list of every setting, with defaults and bounds: the numeric limits
// (parsed generically by config.ts) and the `--help` text. Data only.

/** Numeric limits; defaults follow docs/security.md (its numbers in LIMIT_KEYS). */
export interface Limits {
  maxPayload: number;
  maxFragments: number;
  maxSessions: number;
  maxSessionsPerIp: number;
  upgradesPerMinute: number;
  authFailureLimit: number;
  authUserFailureLimit: number;
  authFailureWindowMs: number;
  authBanMs: number;
  authDelayMs: number;
  openTimeoutMs: number;
  idleTimeoutMs: number;
  heartbeatMs: number;
  maxSessionMs: number;
  maxBytesDown: number;
  maxBytesUp: number;
  highWaterMark: number;
  lowWaterMark: number;
  connectTimeoutMs: number;
  handshakeTimeoutMs: number;
  greetingTimeoutMs: number;
  shutdownGraceMs: number;
  reconnectAfterMs: number;
  closeTimeoutMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxHeadersCount: number;
  smtpMaxRecipients: number;
  smtpMaxMessageBytes: number;
  smtpMessagesPerUserHour: number;
  smtpMessagesPerAddressHour: number;
}

export interface LimitKey {
  key: string;
  field: keyof Limits;
  fallback: number;
  min: number;
  max: number;
  help: string;
}

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;
const MINUTE = 60_000;

function limit(
  key: string,
  field: keyof Limits,
  fallback: number,
  min: number,
  max: number,
  help: string,
): LimitKey {
  return { key, field, fallback, min, max, help };
}

export const LIMIT_KEYS: readonly LimitKey[] = [
  limit(
    'MAX_PAYLOAD',
    'maxPayload',
    64 * KIB,
    1 * KIB,
    64 * KIB,
    'largest browser frame (docs/security.md #14)',
  ),
  limit(
    'MAX_FRAGMENTS',
    'maxFragments',
    64,
    1,
    16_384,
    'fragments per message (docs/security.md #7)',
  ),
  limit(
    'MAX_SESSIONS',
    'maxSessions',
    500,
    1,
    100_000,
    'open sessions in all (docs/security.md #20)',
  ),
  limit('MAX_SESSIONS_PER_IP', 'maxSessionsPerIp', 5, 1, 10_000, 'open sessions per address'),
  limit('UPGRADES_PER_MINUTE', 'upgradesPerMinute', 20, 1, 100_000, 'new sessions per address'),
  limit(
    'AUTH_FAILURE_LIMIT',
    'authFailureLimit',
    5,
    1,
    1000,
    'failed logins per address (docs/security.md #28)',
  ),
  limit('AUTH_USER_FAILURE_LIMIT', 'authUserFailureLimit', 20, 1, 10_000, 'per server+user'),
  limit('AUTH_FAILURE_WINDOW_MS', 'authFailureWindowMs', 10 * MINUTE, 1000, 1440 * MINUTE, ''),
  limit('AUTH_BAN_MS', 'authBanMs', 15 * MINUTE, 1000, 1440 * MINUTE, 'refusal after the limit'),
  limit(
    'AUTH_DELAY_MS',
    'authDelayMs',
    1000,
    0,
    60_000,
    'wait after a failed login, doubling per failure of the same user and address',
  ),
  limit('OPEN_TIMEOUT_MS', 'openTimeoutMs', 10_000, 100, 60_000, 'wait for the open message'),
  limit(
    'IDLE_TIMEOUT_MS',
    'idleTimeoutMs',
    15 * MINUTE,
    100,
    1440 * MINUTE,
    'docs/security.md #19; ≥10 min',
  ),
  limit(
    'HEARTBEAT_MS',
    'heartbeatMs',
    30_000,
    100,
    10 * MINUTE,
    'ping interval (docs/security.md #18)',
  ),
  limit(
    'MAX_SESSION_MS',
    'maxSessionMs',
    240 * MINUTE,
    1000,
    1440 * MINUTE,
    'docs/security.md #17',
  ),
  limit('MAX_BYTES_DOWN', 'maxBytesDown', 2 * GIB, 1 * KIB, 64 * GIB, 'server→browser per session'),
  limit('MAX_BYTES_UP', 'maxBytesUp', 64 * MIB, 1 * KIB, 16 * GIB, 'browser→server per session'),
  limit(
    'HIGH_WATER_MARK',
    'highWaterMark',
    1 * MIB,
    16 * KIB,
    64 * MIB,
    'pause upstream (docs/security.md #16)',
  ),
  limit('LOW_WATER_MARK', 'lowWaterMark', 256 * KIB, 1 * KIB, 64 * MIB, 'resume upstream'),
  limit(
    'CONNECT_TIMEOUT_MS',
    'connectTimeoutMs',
    10_000,
    100,
    120_000,
    'TCP (docs/security.md #13)',
  ),
  limit('HANDSHAKE_TIMEOUT_MS', 'handshakeTimeoutMs', 10_000, 100, 120_000, 'TLS'),
  limit('GREETING_TIMEOUT_MS', 'greetingTimeoutMs', 30_000, 100, 120_000, 'POP3 greeting'),
  limit('SHUTDOWN_GRACE_MS', 'shutdownGraceMs', 10_000, 0, 10 * MINUTE, 'on SIGTERM'),
  limit('RECONNECT_AFTER_MS', 'reconnectAfterMs', 1000, 0, 10 * MINUTE, 'told to browsers'),
  limit('CLOSE_TIMEOUT_MS', 'closeTimeoutMs', 5000, 100, 60_000, 'close handshake'),
  limit(
    'HEADERS_TIMEOUT_MS',
    'headersTimeoutMs',
    10_000,
    100,
    120_000,
    'slowloris (docs/security.md #22)',
  ),
  limit('REQUEST_TIMEOUT_MS', 'requestTimeoutMs', 30_000, 100, 600_000, ''),
  limit('MAX_HEADERS_COUNT', 'maxHeadersCount', 50, 10, 2000, ''),
  // docs/security.md #65. RFC 5321 §4.5.3.1.8: a server must take 100 recipients.
  limit('SMTP_MAX_RECIPIENTS', 'smtpMaxRecipients', 100, 1, 1000, 'recipients per message'),
  limit(
    'SMTP_MAX_MESSAGE_BYTES',
    'smtpMaxMessageBytes',
    25 * MIB,
    1 * KIB,
    1 * GIB,
    "message size; never above the server's SIZE",
  ),
  limit('SMTP_MESSAGES_PER_USER_HOUR', 'smtpMessagesPerUserHour', 100, 1, 100_000, 'per user'),
  limit(
    'SMTP_MESSAGES_PER_ADDRESS_HOUR',
    'smtpMessagesPerAddressHour',
    200,
    1,
    100_000,
    'messages per client address per hour',
  ),
];

/** `--help`: every setting the gateway reads. */
export function helpText(): string {
  const rows: [string, string][] = [
    ['HOST', 'listen address (127.0.0.1); public addresses need ALLOW_PUBLIC_BIND=1'],
    ['PORT', 'listen port (8080)'],
    ['BASE_PATH', 'URL path the app is served under ("/", e.g. "/mail/")'],
    ['POP3_HOST', 'upstream POP3 server; none: run the embedded demo server'],
    ['POP3_PORT', 'upstream port (995 for implicit TLS, 110 for starttls)'],
    ['POP3_TLS', 'implicit (default, RFC 8314) or starttls (RFC 2595)'],
    ['POP3_CA_FILE', 'PEM file of CAs to trust for the upstream instead of the system store'],
    ['POP3_SERVERNAME', 'certificate name to verify (default POP3_HOST)'],
    ['POP3_LABEL', 'name shown on the sign-in page (default POP3_HOST)'],
    ['POP3_ID', 'server id the browser sends (main)'],
    ['SMTP_HOST', 'submission server for POP3_HOST; none: sending is not set up'],
    ['SMTP_PORT', '465 (implicit TLS, RFC 8314) or 587 with SMTP_TLS=starttls; never 25'],
    ['SMTP_TLS', 'implicit (default) or starttls (done by the gateway, RFC 3207)'],
    ['SMTP_CA_FILE', 'PEM file of CAs to trust for the submission server'],
    ['SMTP_SERVERNAME', 'certificate name to verify (default SMTP_HOST)'],
    ['SMTP_FROM', 'sender template such as %u@example.org (default: the user name)'],
    ['SMTP_XCLIENT', '1: tell the server the client address (Postfix XCLIENT)'],
    ['CONFIG_FILE', 'JSON file with any of these keys, and SERVERS: [{id,label,host,port,'],
    ['', '  tls,caFile,servername,smtp:{host,port,tls,caFile,servername,from,'],
    ['', '  xclient}}] for several upstreams; the environment wins'],
    ['TRUST_PROXY', 'addresses/CIDRs of your reverse proxies (e.g. loopback, 10.0.0.5);'],
    ['', '  X-Forwarded-For and ACCESS_HEADER are believed only from these'],
    ['ALLOWED_ORIGINS', 'comma-separated exact origins, e.g. https://mail.example.org'],
    ['', '  (default: http(s):// of ALLOWED_HOSTS)'],
    ['ALLOWED_HOSTS', 'accepted Host headers (default localhost/127.0.0.1/[::1]:PORT'],
    ['', '  and the hosts of ALLOWED_ORIGINS)'],
    ['ACCESS_HEADER', 'require this header, set by an authenticating trusted proxy'],
    ['METRICS_PORT', 'serve /metrics on its own listener at this port (off by default)'],
    ['METRICS_HOST', 'address of the metrics listener (127.0.0.1)'],
    ['METRICS_TOKEN', 'or: serve /metrics on the main port to "Authorization: Bearer <token>"'],
    ['ALLOW_PUBLIC_BIND', '1 to allow a public HOST'],
    ['STATIC_DIR', 'built client (dist/client)'],
    ['LOG_LEVEL', 'fatal|error|warn|info|debug|trace|silent (info)'],
    ...LIMIT_KEYS.map((key): [string, string] => [
      key.key,
      `${key.help ? `${key.help}; ` : ''}default ${key.fallback}, ${key.min}–${key.max}`,
    ]),
  ];
  const width = Math.max(...rows.map(([key]) => key.length)) + 2;
  return [
    'Usage: npm start [-- --help]',
    '',
    'POP3 webmail gateway. Settings come from the environment (or CONFIG_FILE):',
    '',
    ...rows.map(([key, text]) => `  ${key.padEnd(width)}${text}`),
  ].join('\n');
}
