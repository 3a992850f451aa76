import { connect } from 'node:net';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startDemo, type RunningDemo } from './support/demo-process.js';
import type { Environment } from '../src/shared/demo-settings.js';
import { DEMO_DIR } from './support/paths.js';
import { descendantsOf, isRunning } from './support/process-tree.js';

/** Whether something accepts connections on the URL's host and port. */
function isListening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Who listens on the URL's port, for a failure message (ss shows the process). */
function listenerOf(url: string): string {
  const run = spawnSync('ss', ['-ltnpH', `sport = :${new URL(url).port}`], { encoding: 'utf8' });
  return `${url} still listening: ${run.stdout.trim() || run.stderr.trim() || '(ss shows nothing)'}`;
}

function urlsOf(demo: RunningDemo): string[] {
  const { dashboardUrl, expressUrl, nestUrl, fakeAdminUrl, fakeApiUrl } = demo.manifest;
  return [dashboardUrl, expressUrl, nestUrl, fakeAdminUrl, fakeApiUrl].filter((url): url is string => url !== null);
}

describe('stopping the demo', () => {
  let demo: RunningDemo | undefined;
  afterEach(async () => {
    await demo?.stop();
    demo = undefined;
  });

  it('Ctrl-C stops every process it started and frees every port', async () => {
    demo = await startDemo();
    const processes = descendantsOf(demo.child.pid ?? -1);
    // Express, Nest and Next at least (Next may run workers of its own).
    expect(processes.length).toBeGreaterThanOrEqual(3);
    for (const pid of demo.manifest.appPids) expect(processes).toContain(pid);
    const urls = urlsOf(demo);
    expect(urls).toHaveLength(5);
    for (const url of urls) expect(await isListening(url)).toBe(true);

    // Under `pnpm demo`, one Ctrl-C reaches the orchestrator twice (the terminal's, and pnpm's
    // forwarded copy): that is still a clean stop, not the "second Ctrl-C" that kills at once.
    demo.child.kill('SIGINT');
    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);

    await eventually('every process of the demo has exited', () => processes.every((pid) => !isRunning(pid)), 15_000);
    for (const url of urls) expect(await isListening(url), listenerOf(url)).toBe(false);
    expect(demo.output()).toContain('Stopping the demo');
  });

  it('leaves no orphan even when the orchestrator is killed without warning', async () => {
    demo = await startDemo();
    const processes = descendantsOf(demo.child.pid ?? -1);
    const urls = urlsOf(demo);
    demo.child.kill('SIGKILL');
    await demo.exited;
    // The apps notice that the orchestrator is gone (IPC channel closed; the Next server's watchdog).
    await eventually('every app has exited on its own', () => processes.every((pid) => !isRunning(pid)), 20_000);
    for (const url of urls) expect(await isListening(url), listenerOf(url)).toBe(false);
  });

  it('refuses half a set of credentials, saying which one is missing', () => {
    const env: Environment = { PATH: process.env.PATH, APIAX_USERNAME: 'someone' };
    const run = spawnSync(process.execPath, ['dist/main.js'], {
      cwd: DEMO_DIR,
      env: env as NodeJS.ProcessEnv,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('APIAX_PASSWORD is not set');
    expect(run.stdout).not.toMatch(/Open\s+http/);
  });
});
