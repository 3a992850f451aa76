import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'redis',
    include: ['test/**/*.test.ts'],
    // Real processes on a loaded 2-core machine: a condition polled for is given time, not a 1 s default.
    expect: { poll: { timeout: 10_000 } },
    globalSetup: ['test/support/build-for-children.ts'],
    // The fleet tests fork 8 processes; running files one at a time keeps them from starving the lock and
    // timeout tests of CPU on a 2-core machine.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
