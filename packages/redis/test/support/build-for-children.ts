import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The fleet tests fork real Node processes, which cannot load TypeScript: compile `src` once per run into a
 * private folder (never `dist`, which a concurrent `build` may be rewriting). Inside this package's
 * node_modules, so the output resolves `@apiax-auth/core` and `ioredis` like the package itself.
 */
export const CHILD_BUILD_DIR = fileURLToPath(new URL('../../node_modules/.cache/apiax-redis-fleet/', import.meta.url));

export default function buildForChildren(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
  execFileSync(
    process.execPath,
    [
      tsc,
      '-p',
      'tsconfig.build.json',
      '--outDir',
      CHILD_BUILD_DIR,
      '--declaration',
      'false',
      '--declarationMap',
      'false',
      '--sourceMap',
      'false',
    ],
    { cwd: packageRoot, stdio: 'inherit' },
  );
}
