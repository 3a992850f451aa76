import swc from 'unplugin-swc';
import { defineProject } from 'vitest/config';

export default defineProject({
  // SWC instead of Vite's default transform: Nest's injection by class needs `emitDecoratorMetadata`
  // (read from tsconfig.json), which only a TypeScript-aware compiler can emit.
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    name: 'nest',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
