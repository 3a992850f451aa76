import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'express',
    include: ['test/**/*.test.ts'],
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
