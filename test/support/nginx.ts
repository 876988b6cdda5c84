// Runs nginx for a test with the shipped deploy/nginx/webmail.conf: TLS with a
// fresh CA, the gateways as upstreams, the app at / or a sub-path. Only ports,
// file paths and the location are replaced, so the documented config is what
// the tests prove.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, createServerCert } from '../../server/tls/certificates.ts';
import { freePort } from './ports.ts';

const NGINX = '/usr/sbin/nginx';
const SHIPPED = new URL('../../deploy/nginx/webmail.conf', import.meta.url);

export interface NginxOptions {
  /** Ports of the gateway processes on 127.0.0.1. */
  gateways: readonly number[];
  /** Where the app is mounted; the gateway must use the same BASE_PATH. */
  basePath?: '/' | `/${string}/`;
}

export interface Nginx {
  port: number;
  /** https://localhost:PORT — what the browser's Origin will be. */
  origin: string;
  /** The app's URL, base path included. */
  url: string;
  /** PEM of the CA that signed nginx's certificate. */
  ca: string;
  accessLog(): Promise<string>;
  stop(): Promise<void>;
}

/** The shipped config with this run's ports, certificate paths and location. */
export async function renderNginxConfig(
  dir: string,
  port: number,
  options: NginxOptions,
): Promise<string> {
  const shipped = await readFile(SHIPPED, 'utf8');
  const servers = options.gateways.map((gateway) => `    server 127.0.0.1:${gateway};`).join('\n');
  const site = shipped
    .replace(/^ {4}server 127\.0\.0\.1:8080;$/m, servers)
    .replace(/^ {4}listen 443 ssl;$/m, `    listen 127.0.0.1:${port} ssl;`)
    .replace(/^ {4}server_name .*;$/m, '    server_name localhost;')
    .replace('/etc/ssl/certs/mail.example.org.pem', join(dir, 'cert.pem'))
    .replace('/etc/ssl/private/mail.example.org.key', join(dir, 'key.pem'))
    .replace(/^ {4}location \/ \{$/m, `    location ${options.basePath ?? '/'} {`);
  if (!site.includes(`127.0.0.1:${port} ssl`) || !site.includes(join(dir, 'key.pem'))) {
    throw new Error('deploy/nginx/webmail.conf no longer has the lines the tests replace');
  }
  const temp = (name: string): string => `${name}_temp_path ${join(dir, name)};`;
  return [
    'daemon off;',
    // One process as the invoking user: no privilege drop, nothing outside dir.
    'master_process off;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')} info;`,
    'events { worker_connections 4096; }',
    'http {',
    `  access_log ${join(dir, 'access.log')};`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `  ${temp(name)}`),
    site,
    '}',
  ].join('\n');
}

function waitForPort(port: number, child: ChildProcess, dir: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (child.exitCode !== null) {
        void readFile(join(dir, 'error.log'), 'utf8')
          .catch(() => '')
          .then((log) => reject(new Error(`nginx exited: ${log.slice(-2000)}`)));
        return;
      }
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        if (Date.now() > deadline) reject(new Error('nginx did not start listening'));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Start nginx on a free loopback port in front of `gateways`. */
export async function startNginx(options: NginxOptions): Promise<Nginx> {
  if (spawnSync(NGINX, ['-v']).status !== 0) {
    throw new Error('nginx is not installed: run `bash scripts/test-deps.sh`');
  }
  const dir = await mkdtemp(join(tmpdir(), 'webmail-nginx-'));
  const ca = await createCa('nginx test CA');
  const leaf = await createServerCert({ names: ['localhost', '127.0.0.1'], ca });
  await writeFile(join(dir, 'cert.pem'), leaf.cert);
  await writeFile(join(dir, 'key.pem'), leaf.key, { mode: 0o600 });
  const port = await freePort();
  const configPath = join(dir, 'nginx.conf');
  await writeFile(configPath, await renderNginxConfig(dir, port, options));
  const child = spawn(NGINX, ['-p', dir, '-c', configPath], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(port, child, dir);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const origin = `https://localhost:${port}`;
  return {
    port,
    origin,
    url: `${origin}${options.basePath ?? '/'}`,
    ca: ca.cert,
    accessLog: () => readFile(join(dir, 'access.log'), 'utf8'),
    async stop() {
      child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
