// The whole web client for end-to-end tests: the app built once per run by
// global-setup.ts, and the real gateway (in this process) in front of an upstream
// POP3 server, on a fixed loopback port so it can be restarted mid-session.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { createGateway, type Gateway } from '../../server/gateway.ts';
import { createLogger } from '../../server/logging.ts';
import { freePort } from './ports.ts';

export interface BuiltClient {
  dir: string;
}

/**
 * The app as `npm run build` makes it, built once for the whole run (global-setup.ts)
 * and shared read-only by every test file; the global teardown removes it.
 */
export function builtClient(): BuiltClient {
  return { dir: inject('clientDir') };
}

export interface Upstream {
  host: string;
  port: number;
  ca: string;
  servername: string;
}

export interface AppGateway {
  /** http://127.0.0.1:PORT/ : the page. */
  url: string;
  port: number;
  gateway: Gateway;
  /** SIGTERM-like: sessions get going-away, then the server stops. */
  stop(graceMs?: number): Promise<void>;
}

/** Start the gateway on `port` (or a free one), serving `staticDir`, upstream `upstream`. */
export async function startAppGateway(options: {
  upstream: Upstream;
  staticDir: string;
  port?: number;
  env?: Record<string, string>;
}): Promise<AppGateway> {
  const port = options.port ?? (await freePort());
  const caDir = await mkdtemp(join(tmpdir(), 'app-e2e-ca-'));
  const caFile = join(caDir, 'ca.pem');
  await writeFile(caFile, options.upstream.ca);
  const config = loadConfig({
    env: {
      PORT: String(port),
      POP3_HOST: options.upstream.host,
      POP3_PORT: String(options.upstream.port),
      POP3_CA_FILE: caFile,
      POP3_SERVERNAME: options.upstream.servername,
      POP3_LABEL: 'Test mail',
      STATIC_DIR: options.staticDir,
      LOG_LEVEL: 'silent',
      // Every test signs in and every commit reconnects: the defaults would throttle the suite.
      UPGRADES_PER_MINUTE: '10000',
      MAX_SESSIONS_PER_IP: '100',
      // The delay after a failed login has gateway tests of its own; here it only slows.
      AUTH_DELAY_MS: '0',
      SHUTDOWN_GRACE_MS: '200',
      RECONNECT_AFTER_MS: '300',
      ...options.env,
    },
    readFile: (file) => readFileSync(file, 'utf8'),
  });
  const gateway = createGateway({ config, logger: createLogger('silent') });
  await gateway.listen();
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    gateway,
    async stop(graceMs) {
      await gateway.shutdown(graceMs);
      await rm(caDir, { recursive: true, force: true });
    },
  };
}
