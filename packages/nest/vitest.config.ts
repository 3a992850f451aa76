import swc from 'unplugin-swc';
import { defineProject } from 'vitest/config';

export default defineProject({
  // SWC instead of Vite's default transform: Nest's injection by class needs `emitDecoratorMetadata`
  // (read from tsconfig.json), which only a TypeScript-aware compiler can emit.
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    name: 'nest',
    include: ['test/**/*.test.ts'],
    // Real processes on a loaded 2-core machine: a condition polled for is given time, not a 1 s default.
    expect: { poll: { timeout: 10_000 } },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
