import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'redis',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build-for-children.ts'],
    // The fleet tests fork 8 processes; running files one at a time keeps them from starving the lock and
    // timeout tests of CPU on a 2-core machine.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
