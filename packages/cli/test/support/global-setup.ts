import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The `apiax` command installed from the packed tarballs, as a user gets it. */
    apiaxBin: string;
  }
}

const packagesDir = resolve(import.meta.dirname, '../../..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
let work: string | undefined;

/**
 * Once per run: packs core and the CLI (`pnpm pack`, which rewrites `workspace:*` as publishing does) and
 * installs both tarballs with npm into a throwaway project outside the workspace; the tests run its bin.
 */
export default function setup(project: TestProject): () => void {
  work = mkdtempSync(join(tmpdir(), 'apiax-cli-test-'));
  const tarballs = join(work, 'tarballs');
  const consumer = join(work, 'project');
  mkdirSync(consumer);
  for (const name of ['core', 'cli']) {
    const dir = join(packagesDir, name);
    buildIfStale(dir);
    execFileSync('pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir, stdio: 'ignore' });
  }
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'apiax-cli-consumer', private: true }));
  const files = readdirSync(tarballs).map((file) => join(tarballs, file));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...files], {
    cwd: consumer,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  project.provide('apiaxBin', join(consumer, 'node_modules', '.bin', 'apiax'));
  return () => rmSync(work!, { recursive: true, force: true });
}

/** Under turbo, `build` ran before `test`; a direct `vitest run` after an edit recompiles what changed. */
function buildIfStale(dir: string): void {
  const built = join(dir, 'dist', 'index.js');
  const newestSource = Math.max(
    ...readdirSync(join(dir, 'src'), { recursive: true, encoding: 'utf8' }).map((file) => statSync(join(dir, 'src', file)).mtimeMs),
  );
  let builtAt = 0;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    // not built yet
  }
  if (builtAt >= newestSource) return;
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: dir, stdio: 'inherit' });
  if (dir.endsWith('cli')) execFileSync('chmod', ['+x', join(dir, 'dist', 'bin.js')]);
}
