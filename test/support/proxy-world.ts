// The pieces of the reverse-proxy end-to-end tests that app-server.ts does not
// have: the gateway compiled as `npm run build` does, as a child process (its JSON log
// lines, its metrics, a real SIGTERM) and Chromium that trusts exactly the
// certificate of a test nginx, after Node has verified it against nginx's CA.

import { spawn } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { inject } from 'vitest';
import type { Upstream } from './app-server.ts';
import { launchChromium } from './browser.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const START_TIMEOUT_MS = 20_000;

/** One pino line of the gateway (docs/security.md #27–#28), parsed. */
export interface LogLine {
  event?: string;
  ip?: string;
  reason?: string;
  status?: number;
  sid?: string;
  [field: string]: unknown;
}

/** A gateway running `server/main.ts` in its own process, as `npm start` runs it. */
export interface GatewayProcess {
  pid: number;
  port: number;
  /** Every JSON log line so far. */
  logs(): LogLine[];
  /** A counter or gauge from GET /metrics (unlabelled series), read directly, not via nginx. */
  metric(name: string): Promise<number>;
  /** SIGTERM, as systemd or Docker stop it; resolves when the process has exited. */
  terminate(): Promise<number | null>;
}

/** Start the compiled gateway with the upstream `upstream`, the built app in `staticDir`, and `env`. */
export async function startGatewayProcess(options: {
  upstream: Upstream;
  staticDir: string;
  env?: Record<string, string>;
}): Promise<GatewayProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'proxy-e2e-gateway-'));
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, options.upstream.ca);
  const child = spawn(process.execPath, [inject('serverMain')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      POP3_HOST: options.upstream.host,
      POP3_PORT: String(options.upstream.port),
      POP3_CA_FILE: caFile,
      POP3_SERVERNAME: options.upstream.servername,
      POP3_LABEL: 'Test mail',
      STATIC_DIR: options.staticDir,
      LOG_LEVEL: 'info',
      SHUTDOWN_GRACE_MS: '500',
      RECONNECT_AFTER_MS: '300',
      METRICS_PORT: '0',
      ...options.env,
    },
  });
  const lines: LogLine[] = [];
  let output = '';
  let pending = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let metricsPort = 0;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gateway did not start:\n${output}`)),
      START_TIMEOUT_MS,
    );
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      let at: number;
      while ((at = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, at);
        pending = pending.slice(at + 1);
        output += `${line}\n`;
        if (line.startsWith('{')) lines.push(JSON.parse(line) as LogLine);
        metricsPort ||= Number(/^Metrics at http:\/\/127\.0\.0\.1:(\d+)\//.exec(line)?.[1] ?? 0);
        const listening = /^POP3 webmail at http:\/\/127\.0\.0\.1:(\d+)\//.exec(line);
        if (listening?.[1]) {
          clearTimeout(timer);
          resolve(Number(listening[1]));
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}:\n${output}`));
    });
  });
  void exited.then(() => rm(dir, { recursive: true, force: true }));
  return {
    pid: child.pid ?? 0,
    port,
    logs: () => [...lines],
    async metric(name) {
      const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      const text = await response.text();
      const value = new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1];
      if (value === undefined) throw new Error(`no metric ${name}`);
      return Number(value);
    },
    async terminate() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * The SPKI hash Chromium's --ignore-certificate-errors-spki-list takes, of the
 * certificate nginx presents, once Node has verified that certificate against
 * `ca` for `localhost`: the browser then trusts that one key and nothing else.
 */
export async function verifiedSpkiHash(port: number, ca: string): Promise<string> {
  const socket = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve).once('error', reject);
    });
    const peer = socket.getPeerX509Certificate();
    if (!peer || !(peer instanceof X509Certificate)) throw new Error('nginx sent no certificate');
    const spki = peer.publicKey.export({ type: 'spki', format: 'der' });
    return createHash('sha256').update(spki).digest('base64');
  } finally {
    socket.destroy();
  }
}

/** Headless Chromium (browser.ts's flags) trusting exactly the keys in `spkiHashes`. */
export function launchPinnedChromium(spkiHashes: readonly string[]): Promise<Browser> {
  return launchChromium([`--ignore-certificate-errors-spki-list=${spkiHashes.join(',')}`]);
}
