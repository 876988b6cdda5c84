// Starts a gateway for a test on a port from the OS, with short limits, a
// log capture, a connect spy and upstreams of the test's choosing. Clients
// use Origin https://app.example and Host app.example (the only ones allowed).

import { readFileSync } from 'node:fs';
import type { Config, Limits, UpstreamConfig } from '../../server/config.ts';
import { loadConfig } from '../../server/config.ts';
import { createGateway, type Gateway } from '../../server/gateway.ts';
import { createLogger } from '../../server/logging.ts';
import { connectUpstream, type UpstreamTarget } from '../../server/upstream.ts';

export const ORIGIN = 'https://app.example';
export const HOST = 'app.example';

export interface LogLine {
  level: number;
  msg: string;
  event?: string;
  [key: string]: unknown;
}

export interface Harness {
  gateway: Gateway;
  config: Config;
  port: number;
  /** ws://127.0.0.1:<port>/ws (or under the base path). */
  url: string;
  /** Every raw log line, as written. */
  rawLogs: string[];
  logs(): LogLine[];
  events(event: string): LogLine[];
  /** Targets the gateway tried to connect to, in order. */
  connects: UpstreamTarget[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  upstreams?: UpstreamConfig[];
  limits?: Partial<Limits>;
  env?: Record<string, string>;
  now?: () => number;
}

/** Limits short enough for tests; every one still enforced. */
export const TEST_LIMITS: Partial<Limits> = {
  openTimeoutMs: 2000,
  connectTimeoutMs: 2000,
  handshakeTimeoutMs: 2000,
  greetingTimeoutMs: 2000,
  closeTimeoutMs: 1000,
  shutdownGraceMs: 500,
  // The growing delay after a failed login has tests of its own; elsewhere it only slows.
  authDelayMs: 0,
};

export async function startGateway(options: HarnessOptions = {}): Promise<Harness> {
  const config = loadConfig({
    env: {
      PORT: '0',
      LOG_LEVEL: 'trace',
      ALLOWED_ORIGINS: ORIGIN,
      ALLOWED_HOSTS: HOST,
      ...options.env,
    },
    readFile: (file) => readFileSync(file, 'utf8'),
  });
  config.upstreams = options.upstreams ?? config.upstreams;
  config.limits = { ...config.limits, ...TEST_LIMITS, ...options.limits };
  const rawLogs: string[] = [];
  const logger = createLogger('trace', { write: (line: string) => void rawLogs.push(line) });
  const connects: UpstreamTarget[] = [];
  const gateway = createGateway({
    config,
    logger,
    connect: (target, connectOptions) => {
      connects.push(target);
      return connectUpstream(target, connectOptions);
    },
    ...(options.now ? { now: options.now } : {}),
  });
  const address = await gateway.listen();
  const logs = (): LogLine[] => rawLogs.map((line) => JSON.parse(line) as LogLine);
  return {
    gateway,
    config,
    port: address.port,
    url: `ws://127.0.0.1:${address.port}${config.basePath}ws`,
    rawLogs,
    logs,
    events: (event) => logs().filter((line) => line.event === event),
    connects,
    close: () => gateway.shutdown(0),
  };
}

/** An upstream entry for a stub or demo server that uses the test CA. */
export function upstream(
  id: string,
  server: { host: string; port: number },
  ca: string,
  extra: Partial<UpstreamConfig> = {},
): UpstreamConfig {
  return {
    id,
    label: id,
    host: server.host,
    port: server.port,
    tls: 'implicit',
    ca,
    servername: 'localhost',
    ...extra,
  };
}
