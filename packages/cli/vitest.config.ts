import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'cli',
    include: ['test/**/*.test.ts'],
    // Real processes on a loaded 2-core machine: a condition polled for is given time, not a 1 s default.
    expect: { poll: { timeout: 10_000 } },
    // Packs core and the CLI and installs the tarballs once for every test file.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 180_000,
  },
});
