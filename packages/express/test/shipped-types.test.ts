import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const fixture = fileURLToPath(new URL('./fixtures/shipped-types/tsconfig.json', import.meta.url));

// types.test-d.ts checks the source; this checks what is published: the `Express.Request`
// augmentation must survive declaration emit and reach a project through `@apiax-auth/express` alone.
// Needs a build first (turbo's `test` depends on `build`).
describe('the published types', () => {
  it('type req.apiax in a user project that only imports @apiax-auth/express', async () => {
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', fixture]).then(
      () => ({ code: 0, output: '' }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: `${error.stdout}${error.stderr}` }),
    );

    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  }, 120_000);
});
