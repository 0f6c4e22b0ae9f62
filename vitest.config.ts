import { defineConfig } from 'vitest/config';

// Unit, property and fuzz suites run in parallel; integration suites that drive real QEMU, Chromium or
// workerd run one file at a time in a single worker, each with explicit timeouts; so does the chaos suite.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**', 'test/scale/**'],
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
      {
        // The chaos suite (test/scale/): agents, gateways and VMs of its own, killed and restarted;
        // 5 minutes at most (the 2 × 2 × 20 run takes about two on 2 busy cores). With one worker it
        // joins vitest's sequential group: after the unit files, one file at a time with integration's.
        test: {
          name: 'scale',
          include: ['test/scale/**/*.test.ts'],
          fileParallelism: false,
          maxWorkers: 1,
          testTimeout: 300_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
