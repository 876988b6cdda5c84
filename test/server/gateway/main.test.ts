// `server/main.ts` as a process, compiled as `npm run build` compiles it: --help, the
// public-bind refusal (docs/security.md #24), one-line start-up failures, demo mode with
// no upstream (issue 3), and SIGTERM. Also pins the dependency versions docs/security.md #7 relies on.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../../scripts/build-server.mjs';

const ROOT = path.resolve(import.meta.dirname, '../../..');
// Inside the checkout (.tmp/ is ignored by git): the bundle imports npm packages from node_modules.
mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
const OUT = mkdtempSync(path.join(ROOT, '.tmp', 'main-test-'));
const MAIN = [path.join(OUT, 'main.js')];

beforeAll(() => buildServer(OUT));
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

function run(env: Record<string, string>, args: string[] = []) {
  return spawnSync(process.execPath, [...MAIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

function getJson(url: string, host: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { host } }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve(JSON.parse(text)));
      })
      .on('error', reject);
  });
}

describe('server/main.ts', () => {
  it('--help lists the settings and exits 0', () => {
    const result = run({}, ['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/POP3_HOST/);
    expect(result.stdout).toMatch(/ALLOWED_ORIGINS/);
  });

  it('HOST=0.0.0.0 without ALLOW_PUBLIC_BIND: refuses to start, naming the key', () => {
    const result = run({ HOST: '0.0.0.0', PORT: '0' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^Configuration error: HOST: 0\.0\.0\.0 .*ALLOW_PUBLIC_BIND=1/m);
  });

  it('an invalid setting stops start-up with its key', () => {
    const result = run({ POP3_HOST: 'pop.example.org', POP3_PORT: '110' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/POP3_PORT: 110 is plaintext POP3/);
  });

  it('a port already in use: one line naming PORT and what to do, exit 1', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      const result = run({ PORT: String(port), POP3_HOST: 'pop.example.org' });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        `Start-up failed: PORT ${port} on 127.0.0.1 is already in use. ` +
          'Set PORT to a free port, or stop the program that holds it.\n',
      );
    } finally {
      holder.close();
    }
  });

  it('with no upstream: runs the demo, says so, serves its config, stops on SIGTERM', async () => {
    const child = spawn(process.execPath, MAIN, {
      cwd: ROOT,
      env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'warn', SHUTDOWN_GRACE_MS: '0' },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await expect.poll(() => stdout, { timeout: 20_000 }).toMatch(/http:\/\/127\.0\.0\.1:\d+\//);
    expect(stdout).toMatch(/embedded demo POP3 server/);
    expect(stdout).toMatch(/submission server on 127\.0\.0\.1:\d+/);
    const port = /127\.0\.0\.1:(\d+)\//.exec(stdout)?.[1] ?? '';
    // PORT=0: the default allowlist names port 0, so ask with that Host.
    const config = await getJson(`http://127.0.0.1:${port}/api/config`, '127.0.0.1:0');
    expect(config).toEqual({
      // Sending is set up, and the sender rule is told; never the host or port.
      servers: [
        {
          id: 'demo',
          label: 'Demo mailbox',
          smtp: { isEnabled: true, sender: { kind: 'template', template: '%u@demo.invalid' } },
        },
      ],
      demo: { username: 'demo', password: 'demo' },
    });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);

  it('pins ws ≥ 8.21 (fragment limits, docs/security.md #7) and express 5', () => {
    const version = (name: string): number[] =>
      (
        JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version
        .split('.')
        .map(Number);
    const [major = 0, minor = 0] = version('ws');
    expect(major > 8 || (major === 8 && minor >= 21)).toBe(true);
    expect(version('express')[0]).toBe(5);
  });
});
