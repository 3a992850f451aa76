import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoManifest } from '../../src/orchestrator/demo-manifest.js';
import type { Environment } from '../../src/shared/demo-settings.js';
import { DEMO_DIR } from './paths.js';
import { descendantsOf, isRunning } from './process-tree.js';

/** A demo started as `pnpm demo` starts it (`node dist/main.js`), on free ports. */
export interface RunningDemo {
  child: ChildProcess;
  manifest: DemoManifest;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the exit code (or signal name) once it has exited. */
  exited: Promise<number | string>;
  /** SIGINT (Ctrl-C) and wait; then make sure nothing it started is left, whatever happened. */
  stop(): Promise<number | string>;
}

/** The environment of the test run, minus anything that would change the demo's mode or ports. */
function cleanEnvironment(): Environment {
  const env: Environment = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(APIAX_|DEMO_)/.test(name) && name !== 'PORT' && name !== 'NODE_ENV') env[name] = value;
  }
  return env;
}

export async function startDemo(extraEnv: Environment = {}, timeoutMs = 120_000): Promise<RunningDemo> {
  const workDir = mkdtempSync(join(tmpdir(), 'apiax-demo-'));
  const manifestPath = join(workDir, 'manifest.json');
  const env: Environment = { ...cleanEnvironment(), DEMO_PORT: '0', DEMO_MANIFEST: manifestPath, ...extraEnv };
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: DEMO_DIR,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? String(signal)) as number | string);
  let exitCode: number | string | null = null;
  void exited.then((code) => (exitCode = code));

  const deadline = Date.now() + timeoutMs;
  while (!(existsSync(manifestPath) && output.includes('Open  http'))) {
    if (exitCode !== null) throw new Error(`the demo exited (${exitCode}) before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the demo was not ready within ${timeoutMs / 1000} s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as DemoManifest;
  rmSync(workDir, { recursive: true, force: true });
  // Known now, so that nothing survives the test even if the demo's own shutdown failed.
  const started = descendantsOf(child.pid ?? -1);

  let stopping: Promise<number | string> | null = null;
  return {
    child,
    manifest,
    output: () => output,
    exited,
    stop() {
      stopping ??= (async () => {
        if (exitCode === null) child.kill('SIGINT');
        const code = await Promise.race([exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000))]);
        for (const pid of [child.pid ?? -1, ...started]) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
        return code === 'timeout' ? 'did not exit within 30 s' : code;
      })();
      return stopping;
    },
  };
}

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for: ${what}`);
}
