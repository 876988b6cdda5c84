// Test projects: shared/ runs twice (Node, then a DOM environment, proving it is
// portable), server/ units in Node, client/ units in happy-dom; `integration` talks to
// real servers and tools (Dovecot, nginx, Caddy, HAProxy) and `e2e` drives real browsers.
// `npm run test:unit` runs the first four, which need nothing installed beyond npm ci.
import { availableParallelism } from 'node:os';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vitest/config';

const INTEGRATION = 'test/server/**/*.integration.test.ts';

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Most test time is spent waiting on sockets, servers and browsers, not computing:
    // one worker per core plus one keeps both cores busy (vitest's default is cores - 1).
    maxWorkers: availableParallelism() + 1,
    // Projects marked pool: 'threads' below are pure units (no sockets, no child processes,
    // no process-wide handles): worker threads start faster than forked processes.
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          pool: 'threads',
          environment: 'node',
          include: ['test/shared/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'shared-dom',
          pool: 'threads',
          environment: 'happy-dom',
          include: ['test/shared/**/*.test.ts'],
          exclude: ['test/shared/**/*.integration.test.ts', 'test/shared/**/*.property.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'server',
          environment: 'node',
          include: ['test/server/**/*.test.ts'],
          exclude: [INTEGRATION],
        },
      },
      {
        extends: true,
        plugins: [preact()],
        test: {
          name: 'client',
          pool: 'threads',
          environment: 'happy-dom',
          include: ['test/client/**/*.test.{ts,tsx}'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          environment: 'node',
          include: [INTEGRATION],
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
      {
        test: {
          // Real Chromium (Debian's package) driven by playwright-core, against the app
          // and the reader harness that global-setup.ts builds once for the whole run.
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
