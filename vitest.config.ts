// Test projects: shared/ runs twice (Node, then a DOM environment, proving it is
// portable), server/ in Node, client/ unit tests in happy-dom.
import preact from '@preact/preset-vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          environment: 'node',
          include: ['test/shared/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'shared-dom',
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
        },
      },
      {
        extends: true,
        plugins: [preact()],
        test: {
          name: 'client',
          environment: 'happy-dom',
          include: ['test/client/**/*.test.{ts,tsx}'],
        },
      },
      {
        test: {
          // Real Chromium (Debian's package) driven by playwright-core.
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
