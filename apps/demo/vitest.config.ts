import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'demo',
    include: ['test/**/*.test.ts'],
    // Real processes on a loaded 2-core machine: a condition polled for is given time, not a 1 s default.
    expect: { poll: { timeout: 10_000 } },
    // Builds the demo once (tsc + next build) when its output is missing or stale.
    globalSetup: ['test/global-setup.ts'],
    // Each browser test runs the whole demo (fake, 3 apps, Chromium): one at a time on a 2-core machine.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 600_000,
  },
});
