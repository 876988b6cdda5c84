// The shipped Caddy and HAProxy configs pass their own tools' validators, and,
// run for real on loopback, refuse every spelling of /metrics (nginx's config
// is run for real in nginx.integration.test.ts; Traefik's is checked by eye
// and by the rule's presence, Traefik not being packaged in Debian).
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa, createServerCert } from '../../server/tls/certificates.ts';
import { freePort } from '../support/ports.ts';

const METRICS_SPELLINGS = ['/metrics', '/metrics/', '/METRICS', '/Metrics/x'];

/** Status of GET `path` on a loopback port, retried while the proxy is starting. */
async function statusOf(port: number, path: string, host = 'mail.example.org'): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await new Promise<number>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
          .on('error', reject);
      });
    } catch (error) {
      if (attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Run `command` until `use` is done, then stop it. */
async function running<T>(command: string, args: string[], use: () => Promise<T>): Promise<T> {
  const child = spawn(command, args, { stdio: 'ignore', env: { ...process.env, HOME: dir } });
  try {
    return await use();
  } finally {
    child.kill('SIGKILL');
  }
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proxy-configs-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, HOME: dir } });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('shipped reverse-proxy configs', () => {
  it('deploy/caddy/Caddyfile passes caddy validate', () => {
    const result = run('/usr/bin/caddy', [
      'validate',
      '--adapter',
      'caddyfile',
      '--config',
      'deploy/caddy/Caddyfile',
    ]);
    expect(result.output).toContain('Valid configuration');
    expect(result.status).toBe(0);
  });

  it('deploy/haproxy/haproxy.cfg passes haproxy -c', async () => {
    const ca = await createCa();
    const leaf = await createServerCert({ names: ['mail.example.org'], ca });
    const pem = join(dir, 'mail.pem');
    await writeFile(pem, `${leaf.cert}${leaf.key}`);
    const shipped = await readFile('deploy/haproxy/haproxy.cfg', 'utf8');
    const config = shipped.replace('/etc/haproxy/certs/mail.example.org.pem', pem);
    expect(config).not.toBe(shipped);
    await writeFile(join(dir, 'haproxy.cfg'), config);
    const result = run('/usr/sbin/haproxy', ['-c', '-f', join(dir, 'haproxy.cfg')]);
    expect(result.output).toContain('Configuration file is valid');
    expect(result.status).toBe(0);
  });

  it('deploy/haproxy/haproxy.cfg refuses /metrics however it is spelt', async () => {
    const port = await freePort();
    const shipped = await readFile('deploy/haproxy/haproxy.cfg', 'utf8');
    const config = shipped
      .replace(/bind :443 ssl .*/, `bind 127.0.0.1:${port}`)
      .replace('log stdout format raw local0', '');
    await writeFile(join(dir, 'haproxy-run.cfg'), config);
    const statuses = await running(
      '/usr/sbin/haproxy',
      ['-db', '-f', join(dir, 'haproxy-run.cfg')],
      () => Promise.all(METRICS_SPELLINGS.map((path) => statusOf(port, path))),
    );
    expect(statuses).toEqual(METRICS_SPELLINGS.map(() => 404));
  });

  it('deploy/caddy/Caddyfile refuses /metrics however it is spelt', async () => {
    const port = await freePort();
    const shipped = await readFile('deploy/caddy/Caddyfile', 'utf8');
    const config = `{\n\tadmin off\n}\n${shipped.replace('mail.example.org {', `http://127.0.0.1:${port} {`)}`;
    await writeFile(join(dir, 'Caddyfile-run'), config);
    const args = ['run', '--adapter', 'caddyfile', '--config', join(dir, 'Caddyfile-run')];
    const statuses = await running('/usr/bin/caddy', args, () =>
      Promise.all(METRICS_SPELLINGS.map((path) => statusOf(port, path, `127.0.0.1:${port}`))),
    );
    expect(statuses).toEqual(METRICS_SPELLINGS.map(() => 404));
  });

  it('deploy/traefik/webmail.yml routes no /metrics path to the gateway', async () => {
    const shipped = await readFile('deploy/traefik/webmail.yml', 'utf8');
    expect(shipped).toContain('!PathRegexp(`(?i)^/metrics`)');
  });

  it('a broken config is caught (the validators really validate)', async () => {
    await writeFile(join(dir, 'Caddyfile'), 'mail.example.org {\n\treverse_proxy {\n');
    expect(
      run('/usr/bin/caddy', [
        'validate',
        '--adapter',
        'caddyfile',
        '--config',
        join(dir, 'Caddyfile'),
      ]).status,
    ).not.toBe(0);
  });
});
