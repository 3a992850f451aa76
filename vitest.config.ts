import { defineConfig } from 'vitest/config';

// `pnpm vitest` at the root runs every package's suite, each with its own config.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
  },
});
