import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVAL_QUERY, startFake } from './support/helpers.js';

const run = promisify(execFile);
const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixturesDir = join(packageDir, 'test', 'fixtures');
const require = createRequire(import.meta.url);

/**
 * A throwaway consumer project: this package compiled from the current source by tsc into its
 * node_modules (as an install would put it), next to the peers the workspace already has.
 */
function createConsumerProject(): string {
  const project = mkdtempSync(join(tmpdir(), 'apiax-nest-consumer-'));
  const installed = join(project, 'node_modules', '@apiax-auth', 'nest');
  mkdirSync(installed, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  writeFileSync(join(installed, 'package.json'), JSON.stringify({ name: manifest.name, type: manifest.type, exports: manifest.exports }));
  for (const dependency of ['@nestjs', '@apiax-auth/core', 'reflect-metadata', 'rxjs']) {
    symlinkSync(join(packageDir, 'node_modules', dependency), join(project, 'node_modules', dependency));
  }
  for (const file of ['consumer-app.cjs', 'main.cjs', 'main.mjs']) copyFileSync(join(fixturesDir, file), join(project, file));
  return project;
}

describe('module systems', () => {
  let project: string;

  beforeAll(async () => {
    project = createConsumerProject();
    const tsc = require.resolve('typescript/bin/tsc');
    const outDir = join(project, 'node_modules', '@apiax-auth', 'nest', 'dist');
    await run(
      process.execPath,
      [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir, '--declaration', 'false', '--declarationMap', 'false', '--sourceMap', 'false'],
      {
        cwd: packageDir,
      },
    );
    // The CommonJS build comes from the package's own build (`test` runs after `build`): tsup, not tsc, makes it.
    copyFileSync(join(packageDir, 'dist', 'index.cjs'), join(outDir, 'index.cjs'));
  }, 120_000);

  afterAll(() => {
    if (project !== undefined) rmSync(project, { recursive: true, force: true });
  });

  it.each([
    { entry: 'main.cjs', moduleSystem: 'commonjs' },
    { entry: 'main.mjs', moduleSystem: 'module' },
  ])(
    'a $moduleSystem app ($entry) calls Apiax through the module, then shuts down on SIGTERM with a logout',
    async ({ entry, moduleSystem }) => {
      const fake = await startFake();
      const child = await run(process.execPath, [entry], {
        cwd: project,
        // Only what the app needs: nothing of this machine's APIAX_* leaks in.
        env: { PATH: process.env.PATH, ...fake.env, RULES_QUERY: JSON.stringify(EVAL_QUERY) },
        timeout: 60_000,
      }).then(
        (result) => ({ ...result, code: 0, signal: null }),
        (error: { stdout: string; stderr: string; code: number | null; signal: NodeJS.Signals | null }) => error,
      );

      // Nest's shutdown hook closes the app, then re-raises the signal.
      expect(child.signal, child.stderr).toBe('SIGTERM');
      const report = JSON.parse(child.stdout.trim());
      expect(report).toMatchObject({ moduleSystem, status: 201, answer: { status: 200, injected: true } });
      expect(report.answer.body).toHaveProperty('results');
      expect(fake.stats.password).toBe(1);
      expect(fake.stats.apiCalls).toBe(1);
      expect(fake.stats.logouts).toBe(1);
    },
  );
});
