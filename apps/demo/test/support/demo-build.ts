import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_DIR } from './paths.js';

/** What the build reads: the demo's own sources and the built adapters it bundles. */
const OWN_INPUTS = ['app', 'lib', 'src', 'instrumentation.ts', 'next.config.ts', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];
const WORKSPACE_DEPENDENCIES = ['core', 'express', 'nest', 'next', 'redis', 'testing'];
/** What the build writes; the oldest of them must be newer than every input. */
const OUTPUTS = ['.next/BUILD_ID', 'dist/main.js'];

function newestModification(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestModification(join(path, entry)));
  return newest;
}

/** Why the demo needs a build, or `null` when its output is newer than all of its inputs. */
export function buildStaleness(): string | null {
  const outputTimes = OUTPUTS.map((output) => newestModification(join(DEMO_DIR, output)));
  if (outputTimes.some((time) => time === 0)) return 'never built';
  const builtAt = Math.min(...outputTimes);
  for (const input of OWN_INPUTS) if (newestModification(join(DEMO_DIR, input)) > builtAt) return `${input} changed`;
  for (const name of WORKSPACE_DEPENDENCIES) {
    const dist = join(realpathSync(join(DEMO_DIR, 'node_modules', '@apiax-auth', name)), 'dist');
    if (newestModification(dist) > builtAt) return `@apiax-auth/${name} was rebuilt`;
  }
  return null;
}

/** Runs `pnpm run build` (tsc + next build) when the output is missing or stale: once per test run. */
export function ensureDemoBuilt(): void {
  const reason = buildStaleness();
  if (reason === null) return;
  console.log(`[demo tests] building the demo (${reason}); next build takes a minute or two…`);
  const build = spawnSync('pnpm', ['run', 'build'], {
    cwd: DEMO_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    encoding: 'utf8',
    timeout: 540_000,
  });
  if (build.status !== 0) {
    throw new Error(`demo build failed (${build.status ?? build.signal}):\n${build.stdout}\n${build.stderr}`);
  }
}
