// `npm start`: the only file that reads process.env and listens. Loads the
// configuration, starts the embedded demo POP3 server when no upstream is
// configured, runs the gateway, and shuts it down gracefully on SIGTERM.

import { readFileSync } from 'node:fs';
import { ConfigError, helpText, loadConfig, type Config } from './config.ts';
import {
  DEMO_DOMAIN,
  DEMO_USER,
  startDemoServer,
  startDemoSubmission,
  type DemoServer,
  type DemoSubmission,
} from './demo/index.ts';
import { createGateway } from './gateway.ts';
import { createLogger } from './logging.ts';
import { describeStartupFailure, type StartupStep } from './startup-failure.ts';

/** A start-up step failed: say so in one line (startup-failure.ts) and exit 1. */
class StartupFailure extends Error {
  constructor(readonly line: string) {
    super(line);
  }
}

async function step<T>(name: StartupStep, config: Config, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new StartupFailure(describeStartupFailure(name, error, config));
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(helpText());
    return;
  }
  let config: Config;
  try {
    config = loadConfig({ env: process.env, readFile: (file) => readFileSync(file, 'utf8') });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Configuration error: ${error.message}\nRun with --help to list every setting.`);
    process.exitCode = 2;
    return;
  }
  const logger = createLogger(config.logLevel);
  for (const warning of config.warnings) console.warn(`Warning: ${warning}`);
  let demo: DemoServer | undefined;
  let submission: DemoSubmission | undefined;
  if (config.upstreams.length === 0) {
    demo = await step('demo', config, () => startDemoServer());
    const pop3 = demo;
    submission = await step('demo', config, () => startDemoSubmission(pop3));
    config = {
      ...config,
      upstreams: [
        {
          id: 'demo',
          label: 'Demo mailbox',
          host: demo.host,
          port: demo.port,
          tls: 'implicit',
          ca: demo.ca,
          servername: demo.servername,
          smtp: {
            host: submission.host,
            port: submission.port,
            tls: 'implicit',
            ca: demo.ca,
            servername: demo.servername,
            sender: { kind: 'template', template: `%u@${DEMO_DOMAIN}` },
            isXclient: false,
          },
        },
      ],
      demo: { username: DEMO_USER.name, password: DEMO_USER.password },
    };
    console.log(
      `No POP3_HOST configured: running the embedded demo POP3 server on ${demo.host}:${demo.port}` +
        ` (user "${DEMO_USER.name}", password "${DEMO_USER.password}") and its submission server on` +
        ` ${submission.host}:${submission.port} (mail to ${DEMO_USER.name}@${DEMO_DOMAIN} comes back).` +
        ' Run with --help to configure.',
    );
  }
  const gateway = createGateway({ config, logger });
  const address = await step('listen', config, () => gateway.listen());
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  // The metrics line first: scripts wait for the "POP3 webmail at" line.
  const metricsAt = gateway.metricsAddress();
  if (metricsAt) console.log(`Metrics at http://${metricsAt.address}:${metricsAt.port}/metrics`);
  console.log(`POP3 webmail at http://${host}:${address.port}${config.basePath}`);

  let isStopping = false;
  const stop = (signal: string): void => {
    if (isStopping) return;
    isStopping = true;
    console.log(`${signal}: closing sessions (up to ${config.limits.shutdownGraceMs} ms)…`);
    void gateway
      .shutdown()
      .then(() => submission?.close())
      .then(() => demo?.close())
      .then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  // A failure we can name gets its one line; anything else is a bug, shown with its stack.
  console.error(error instanceof StartupFailure ? error.line : error);
  process.exit(1);
});
