import { defineProject } from 'vitest/config';

// Resolve as Next.js resolves server code: `server-only` (imported by src/index.ts) throws unless
// resolved with the `react-server` condition. The rest are Vite's default server conditions.
const serverConditions = ['react-server', 'module', 'node', 'development|production'];

export default defineProject({
  ssr: { resolve: { conditions: serverConditions } },
  test: {
    name: 'next',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
