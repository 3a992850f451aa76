import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'express',
    include: ['test/**/*.test.ts'],
    // Real processes on a loaded 2-core machine: a condition polled for is given time, not a 1 s default.
    expect: { poll: { timeout: 10_000 } },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // `vitest run` also type-checks test/**/*.test-d.ts (req.apiax typing) with tsc.
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
