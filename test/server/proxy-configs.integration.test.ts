// The shipped Caddy and HAProxy configs pass their own tools' validators
// (nginx's is run for real in nginx.integration.test.ts).
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa, createServerCert } from '../../server/tls/certificates.ts';

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
