import { defineProject } from 'vitest/config';

// Resolve as Next.js resolves server code: `server-only` (imported by src/index.ts) throws unless
// resolved with the `react-server` condition. The rest are Vite's default server conditions.
const serverConditions = ['react-server', 'module', 'node', 'development|production'];

export default defineProject({
  ssr: { resolve: { conditions: serverConditions } },
  test: {
    name: 'next',
    include: ['test/**/*.test.ts'],
    // Real processes on a loaded 2-core machine: a condition polled for is given time, not a 1 s default.
    expect: { poll: { timeout: 10_000 } },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
