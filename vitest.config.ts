import { defineConfig } from 'vitest/config';

// Unit, property and fuzz suites run in parallel; integration suites that drive real QEMU, Chromium or
// workerd run one file at a time in a single worker, each with explicit timeouts.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**'],
          testTimeout: 60_000,
          // Fixture builders spawn qemu-img many times; on 2 busy cores a 10 s hook limit is a lottery.
          hookTimeout: 60_000,
          pool: 'threads',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          fileParallelism: false,
          maxWorkers: 1,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
