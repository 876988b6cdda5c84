// Configuration: every key validated with a message naming it; the port and
// bind rules of docs/security.md #11 and #24; CONFIG_FILE; --help.

import { describe, expect, it } from 'vitest';
import { helpText, LIMIT_KEYS } from '../../../server/config.ts';
import { failure, load, TEST_CA as CA } from '../../support/config-files.ts';

describe('loadConfig', () => {
  it('has safe defaults: loopback, 8080, "/", no upstream (demo mode)', () => {
    const config = load({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8080, basePath: '/', upstreams: [] });
    expect(config.allowedOrigins).toContain('http://localhost:8080');
    expect(config.allowedHosts).toEqual(['localhost:8080', '127.0.0.1:8080', '[::1]:8080']);
    expect(config.limits.maxPayload).toBe(64 * 1024);
    expect(config.limits.idleTimeoutMs).toBe(15 * 60_000);
    // docs/security.md #13, #17, #18, #20: the suggested defaults.
    expect(config.limits).toMatchObject({
      connectTimeoutMs: 10_000,
      handshakeTimeoutMs: 10_000,
      greetingTimeoutMs: 30_000,
      heartbeatMs: 30_000,
      maxBytesDown: 2 * 1024 ** 3,
      maxSessionMs: 4 * 3600_000,
      maxSessions: 500,
      maxSessionsPerIp: 5,
      upgradesPerMinute: 20,
      authFailureLimit: 5,
      authFailureWindowMs: 10 * 60_000,
    });
    expect(config.access).toEqual({ kind: 'none' });
  });

  it('reads one upstream from POP3_*', () => {
    const config = load(
      {
        POP3_HOST: 'pop.example.org',
        POP3_CA_FILE: '/ca.pem',
        POP3_SERVERNAME: 'mail.example.org',
        POP3_LABEL: 'Example',
        ALLOWED_ORIGINS: 'https://mail.example.org',
        TRUST_PROXY: 'loopback, 10.0.0.0/8',
        BASE_PATH: '/mail',
      },
      { '/ca.pem': CA },
    );
    expect(config.upstreams).toEqual([
      {
        id: 'main',
        label: 'Example',
        host: 'pop.example.org',
        port: 995,
        tls: 'implicit',
        ca: CA,
        servername: 'mail.example.org',
      },
    ]);
    expect(config.basePath).toBe('/mail/');
    expect(config.trustProxy).toEqual(['loopback', '10.0.0.0/8']);
    expect(config.allowedHosts).toContain('mail.example.org');
  });

  it('reads several upstreams from CONFIG_FILE; the environment wins', () => {
    const file = JSON.stringify({
      PORT: 9000,
      SERVERS: [
        { id: 'work', label: 'Work', host: 'pop.work.example', tls: 'implicit' },
        { id: 'home', host: 'pop.home.example', port: 110, tls: 'starttls' },
      ],
    });
    const config = load({ CONFIG_FILE: '/c.json', PORT: '9100' }, { '/c.json': file });
    expect(config.port).toBe(9100);
    expect(config.upstreams.map(({ id, port, tls }) => ({ id, port, tls }))).toEqual([
      { id: 'work', port: 995, tls: 'implicit' },
      { id: 'home', port: 110, tls: 'starttls' },
    ]);
  });

  it.each([
    [{ POP3_HOST: 'pop.example.org', POP3_PORT: '110' }, 'POP3_PORT', /110 is plaintext/],
    [{ POP3_HOST: 'p.example', POP3_TLS: 'starttls', POP3_PORT: '995' }, 'POP3_PORT', /995/],
    [{ POP3_HOST: 'p.example', POP3_TLS: 'none' }, 'POP3_TLS', /implicit.*starttls/],
    [{ POP3_HOST: 'p.example', POP3_PORT: '99999' }, 'POP3_PORT', /1 to 65535/],
    [{ POP3_HOST: 'p.example', POP3_CA_FILE: '/missing.pem' }, 'POP3_CA_FILE', /cannot read/],
    [{ POP3_HOST: 'p.example', POP3_ID: 'Main Server' }, 'POP3_ID', /lower-case/],
    [{ POP3_HOST: 'p.example', POP3_SERVERNAME: '10.0.0.1' }, 'POP3_SERVERNAME', /DNS/],
    [{ HOST: '0.0.0.0' }, 'HOST', /ALLOW_PUBLIC_BIND/],
    [{ HOST: '::' }, 'HOST', /ALLOW_PUBLIC_BIND/],
    [{ HOST: '203.0.113.5' }, 'HOST', /not a loopback or private/],
    [{ HOST: 'example.org' }, 'HOST', /ALLOW_PUBLIC_BIND/],
    [{ PORT: 'eighty' }, 'PORT', /integer/],
    [{ BASE_PATH: 'mail' }, 'BASE_PATH', /URL path/],
    [{ BASE_PATH: '/a/../b/' }, 'BASE_PATH', /URL path/],
    [{ ALLOWED_ORIGINS: 'https://*.example.org' }, 'ALLOWED_ORIGINS', /origin/],
    [{ ALLOWED_ORIGINS: 'https://app.example/mail' }, 'ALLOWED_ORIGINS', /scheme/],
    [{ ALLOWED_ORIGINS: 'null' }, 'ALLOWED_ORIGINS', /origin/],
    [{ TRUST_PROXY: 'not-a-cidr/99' }, 'TRUST_PROXY', /address|CIDR/i],
    [{ ACCESS_TOKEN_SECRET: 'x'.repeat(40) }, 'ACCESS_TOKEN_SECRET', /ACCESS_HEADER/],
    // Finding 5: a hop count believes any direct peer; say what to write instead.
    [{ TRUST_PROXY: '1' }, 'TRUST_PROXY', /TRUST_PROXY=loopback/],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY', /list your proxies/],
    [{ TRUST_PROXY: '0.0.0.0/0' }, 'TRUST_PROXY', /every address/],
    [{ TRUST_PROXY: '::/0' }, 'TRUST_PROXY', /every address/],
    [{ ACCESS_HEADER: 'X-Remote-User' }, 'ACCESS_HEADER', /TRUST_PROXY/],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN', /16/],
    [{ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }, 'METRICS_HOST', /public/],
    [{ MAX_PAYLOAD: '1048576' }, 'MAX_PAYLOAD', /1024 to 65536/],
    [{ LOW_WATER_MARK: '2097152' }, 'LOW_WATER_MARK', /below HIGH_WATER_MARK/],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /info/],
    [{ CONFIG_FILE: '/nope.json' }, 'CONFIG_FILE', /cannot use/],
  ])('%j → an error naming %s', (env, key, problem) => {
    const error = failure(env);
    expect(error.key).toBe(key);
    expect(error.message).toMatch(new RegExp(`^${key.replace(/[[\]]/g, '\\$&')}: `));
    expect(error.message).toMatch(problem);
  });

  it('a private or loopback bind needs no override; a public one with ALLOW_PUBLIC_BIND=1 is allowed', () => {
    for (const host of ['127.0.0.1', '::1', '10.1.2.3', '192.168.1.10', '172.20.0.2', 'fd00::1']) {
      expect(load({ HOST: host }).host).toBe(host);
    }
    expect(load({ HOST: '0.0.0.0', ALLOW_PUBLIC_BIND: '1' }).host).toBe('0.0.0.0');
  });

  it('warns when a public bind trusts proxies that direct clients could be', () => {
    expect(
      load({ HOST: '0.0.0.0', ALLOW_PUBLIC_BIND: '1', TRUST_PROXY: 'loopback' }).warnings,
    ).toEqual([]);
    const [warning] = load({
      HOST: '0.0.0.0',
      ALLOW_PUBLIC_BIND: '1',
      TRUST_PROXY: '10.0.0.0/8',
    }).warnings;
    expect(warning).toMatch(/choose its own address/);
    expect(load({ TRUST_PROXY: '10.0.0.0/8' }).warnings).toEqual([]);
  });

  it('metrics: off by default, or on their own loopback listener', () => {
    expect(load({}).metrics).toEqual({ host: '127.0.0.1' });
    expect(load({ METRICS_PORT: '9464' }).metrics).toEqual({ host: '127.0.0.1', port: 9464 });
  });

  it('duplicate server ids in CONFIG_FILE name the entry', () => {
    const file = JSON.stringify({ SERVERS: [{ host: 'a.example' }, { host: 'b.example' }] });
    expect(failure({ CONFIG_FILE: '/c.json' }, { '/c.json': file }).key).toBe('SERVERS[1].id');
  });

  it('--help lists every setting', () => {
    const help = helpText();
    for (const key of [
      'HOST',
      'PORT',
      'BASE_PATH',
      'POP3_HOST',
      'POP3_PORT',
      'POP3_TLS',
      'POP3_CA_FILE',
      'POP3_SERVERNAME',
      'POP3_LABEL',
      'TRUST_PROXY',
      'ALLOWED_ORIGINS',
      'ALLOWED_HOSTS',
      'CONFIG_FILE',
      'ACCESS_HEADER',
      'METRICS_PORT',
      'METRICS_HOST',
      'METRICS_TOKEN',
      'ALLOW_PUBLIC_BIND',
      ...LIMIT_KEYS.map((limit) => limit.key),
    ]) {
      expect(help).toMatch(new RegExp(`^  ${key} `, 'm'));
    }
  });
});
