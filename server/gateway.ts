// Wires one gateway: the HTTP server with its slowloris limits, the express
// app, the WebSocket bridge on `upgrade`, metrics and throttling, and the
// graceful shutdown. Used by main.ts and by tests; reads no environment.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import { createBridge, type Bridge, type BridgeOptions } from './bridge.ts';
import type { Config } from './config.ts';
import type { Logger } from './logging.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { createMetricsServer } from './metrics-server.ts';
import { clientAddress, compileTrust } from './network.ts';
import { Throttle } from './throttle.ts';

export interface GatewayOptions {
  config: Config;
  logger: Logger;
  /** Replaces connectUpstream (tests: a connect spy). */
  connect?: BridgeOptions['connect'];
  /** Replaces connectSubmission (tests: a connect spy). */
  connectSubmission?: BridgeOptions['connectSubmission'];
  /** Clock for the throttle (tests). */
  now?: () => number;
}

export interface Gateway {
  server: http.Server;
  bridge: Bridge;
  metrics: Metrics;
  throttle: Throttle;
  /** Listen on config.host:config.port (port 0: one from the OS), and the metrics port if set. */
  listen(): Promise<AddressInfo>;
  /** The metrics listener's address, once listening (undefined without METRICS_PORT). */
  metricsAddress(): AddressInfo | undefined;
  /** SIGTERM: stop accepting, tell sessions to go away, close them after the grace period. */
  shutdown(graceMs?: number): Promise<void>;
}

export function createGateway(options: GatewayOptions): Gateway {
  const { config, logger } = options;
  const { limits } = config;
  const metrics = createMetrics();
  const throttle = new Throttle(limits, options.now);
  let isReady = true;
  const bridge = createBridge({
    config,
    logger,
    metrics,
    throttle,
    ...(options.connect ? { connect: options.connect } : {}),
    ...(options.connectSubmission ? { connectSubmission: options.connectSubmission } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const trust = compileTrust(config.trustProxy);
  const app = createApp({
    config,
    metrics,
    isReady: () => isReady,
    admission: (request) => throttle.peek(clientAddress(request, trust)),
  });
  // docs/security.md #22: a client dribbling headers is dropped after headersTimeout;
  // Node only checks every connectionsCheckingInterval, so check often.
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.ceil(limits.headersTimeoutMs / 2)),
    },
    app,
  );
  // One more than the limit, so the bridge and the app can tell "too many".
  server.maxHeadersCount = limits.maxHeadersCount + 1;
  server.keepAliveTimeout = 5000;
  server.on('upgrade', (request, socket, head) => bridge.handleUpgrade(request, socket, head));
  const metricsServer =
    config.metrics.port === undefined
      ? undefined
      : createMetricsServer(metrics, config.allowedHosts);
  // No 'clientError' listener: Node's own answers 400/408/431 and destroys
  // the socket (a custom one that only end()s leaves slowloris sockets open).

  return {
    server,
    bridge,
    metrics,
    throttle,
    async listen() {
      const address = await listenOn(server, config.port, config.host);
      if (metricsServer) {
        await listenOn(metricsServer, config.metrics.port ?? 0, config.metrics.host).catch(
          (error: unknown) => {
            server.close();
            throw error;
          },
        );
      }
      return address;
    },
    metricsAddress: () => (metricsServer?.address() as AddressInfo | null) ?? undefined,
    async shutdown(graceMs = limits.shutdownGraceMs) {
      // Keep listening while draining: /readyz answers 503 so the proxy moves
      // traffic away, and upgrades get 503 instead of a refused connection.
      isReady = false;
      await bridge.shutdown(graceMs);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      metricsServer?.close();
      metricsServer?.closeAllConnections();
      await closed;
      logger.info({ event: 'shutdown' }, 'gateway stopped');
    },
  };
}

function listenOn(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
