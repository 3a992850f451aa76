import { readFileSync } from 'node:fs';
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
function listenerOf(name: string, url: string): string {
  const run = spawnSync('ss', ['-ltnpH', `sport = :${new URL(url).port}`], { encoding: 'utf8' });
  return `${name} ${url} still listening: ${run.stdout.trim() || run.stderr.trim() || '(ss shows nothing)'}`;
}

/**
 * Asserts that nothing listens on any of the URLs any more. Polled first: a process whose main thread
 * already shows as a zombie (which counts as exited) may still be tearing down its other threads, and
 * their sockets, for a moment on a loaded machine.
 */
async function expectAllClosed(urls: Array<[name: string, url: string]>): Promise<void> {
  const anyListening = async (): Promise<boolean> => (await Promise.all(urls.map(([, url]) => isListening(url)))).some(Boolean);
  await eventually('every port is free', async () => !(await anyListening()), 5_000).catch(() => undefined);
  for (const [name, url] of urls) expect(await isListening(url), listenerOf(name, url)).toBe(false);
}

/** Every URL the demo serves, by what serves it. */
function urlsOf(demo: RunningDemo): Array<[name: string, url: string]> {
  const { dashboardUrl, expressUrl, nestUrl, fakeAdminUrl, fakeApiUrl, fleetUrls, redisUrl } = demo.manifest;
  const named: Array<[string, string | null]> = [
    ['dashboard', dashboardUrl],
    ['express', expressUrl],
    ['nest', nestUrl],
    ['fake auth', fakeAdminUrl],
    ['fake api', fakeApiUrl],
    ...fleetUrls.map((url, index): [string, string] => [`fleet-${index + 1}`, url]),
    ['redis', redisUrl],
  ];
  return named.filter((entry): entry is [string, string] => entry[1] !== null);
}

/** The command name of a process (`/proc/<pid>/comm`); empty once it is gone. */
function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
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
    // Express, Nest, Next (which may run workers of its own), the fleet's redis-server, its keeper and
    // its four instances at least.
    expect(processes.length).toBeGreaterThanOrEqual(9);
    expect(processes.map(commandOf)).toContain('redis-server');
    for (const pid of demo.manifest.appPids) expect(processes).toContain(pid);
    const urls = urlsOf(demo);
    // Dashboard, Express, Nest, the fake's two origins, four fleet instances, Redis.
    expect(urls).toHaveLength(10);
    for (const [name, url] of urls) expect(await isListening(url), `${name} ${url}`).toBe(true);

    // Under `pnpm demo`, one Ctrl-C reaches the orchestrator twice (the terminal's, and pnpm's
    // forwarded copy): that is still a clean stop, not the "second Ctrl-C" that kills at once.
    demo.child.kill('SIGINT');
    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);

    await eventually('every process of the demo has exited', () => processes.every((pid) => !isRunning(pid)), 15_000);
    await expectAllClosed(urls);
    expect(demo.output()).toContain('Stopping the demo');
  });

  it('leaves no orphan even when the orchestrator is killed without warning', async () => {
    demo = await startDemo();
    const processes = descendantsOf(demo.child.pid ?? -1);
    expect(processes.map(commandOf)).toContain('redis-server');
    const urls = urlsOf(demo);
    expect(urls).toHaveLength(10);
    demo.child.kill('SIGKILL');
    await demo.exited;
    // The apps notice that the orchestrator is gone (IPC channel closed; the Next server's watchdog), and
    // the fleet's redis-server is stopped by its keeper, which notices the same way.
    await eventually('every app has exited on its own', () => processes.every((pid) => !isRunning(pid)), 20_000);
    await expectAllClosed(urls);
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
