import { spawn, execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiaxTokenEvent } from '../src/index.js';
import { settled, startHarness } from './support/harness.js';

const MINUTE = 60_000;

function nextTokenEvent(on: (listener: (event: ApiaxTokenEvent) => void) => () => void): Promise<ApiaxTokenEvent> {
  return new Promise((resolve) => {
    const off = on((event) => {
      off();
      resolve(event);
    });
  });
}

/** Guarantee 7: `background: true` keeps the session warm without traffic; on demand recovers from missed timers. */
describe('guarantee 7: background renewal', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refreshes on its own, ahead of expiry, with no call at all, again and again', async () => {
    const { fake, clock, client } = await startHarness();
    // Only the engine's timers are faked: sockets and the fake server keep real time.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const auth = client({ background: true });
    await auth.getAccessToken();

    for (let round = 1; round <= 3; round += 1) {
      const renewed = nextTokenEvent((listener) => auth.on('token', listener));
      clock.advance(25 * 60);
      await vi.advanceTimersByTimeAsync(25 * MINUTE);
      const event = await renewed;
      expect(event).toMatchObject({ grant: 'refresh', reason: 'background' });
      expect(fake.stats.refresh).toBe(round);
    }
    expect(fake.stats.password).toBe(1);
    vi.useRealTimers();
    await settled(auth);
    expect(auth.status().state).toBe('valid');
  });

  it('re-logs in on its own before the refresh token dies', async () => {
    const { fake, clock, client } = await startHarness({ ssoSessionMaxSeconds: 3600 });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const auth = client({ background: true });
    await auth.getAccessToken();
    // 25 min: refresh (the session still has 35 min). 50 min: 10 min left < one token lifetime: re-login.
    for (const expected of [{ grant: 'refresh' }, { grant: 'password', reason: 'relogin' }]) {
      const renewed = nextTokenEvent((listener) => auth.on('token', listener));
      clock.advance(25 * 60);
      await vi.advanceTimersByTimeAsync(25 * MINUTE);
      expect(await renewed).toMatchObject(expected);
    }
    expect(fake.stats).toMatchObject({ password: 2, refresh: 1, failedRefreshes: 0 });
  });

  it('when a timer was missed (the clock jumped past expiry, no timer fired), the next call recovers by itself, and the timer follows the new token', async () => {
    const { fake, clock, client } = await startHarness();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const auth = client({ background: true });
    const first = await auth.getAccessToken();
    // A sleeping laptop: three hours pass by the wall clock, and no timer ran.
    clock.advance(3 * 3600);
    const second = await auth.getAccessToken();
    expect(second).not.toBe(first);
    expect(fake.stats).toMatchObject({ password: 1, refresh: 1 });
    expect(auth.status().state).toBe('valid');
    // The stale timer (due 25 min after the first token) was replaced by one for the new token.
    clock.advance(24 * 60);
    await vi.advanceTimersByTimeAsync(24 * MINUTE);
    expect(fake.stats.refresh).toBe(1);
    const renewed = nextTokenEvent((listener) => auth.on('token', listener));
    clock.advance(60);
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(await renewed).toMatchObject({ grant: 'refresh', reason: 'background' });
    expect(fake.stats).toMatchObject({ password: 1, refresh: 2 });
  });

  it("a timer that gave way to a call's renewal is armed again when that renewal fails", async () => {
    const { fake, clock, client } = await startHarness();
    let outage: { reached: () => void; release: Promise<void> } | undefined;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const auth = client({
      background: true,
      maxRetries: 0,
      // During the outage the token endpoint hangs until released, then answers with a proxy's 503 page.
      fetch: async (input, init) => {
        if (outage === undefined || !String(input).endsWith('/token')) return globalThis.fetch(input, init);
        outage.reached();
        await outage.release;
        outage = undefined;
        return new Response('<html>503</html>', { status: 503, headers: { 'content-type': 'text/html' } });
      },
    });
    await auth.getAccessToken();
    clock.advance(3600);
    let release!: () => void;
    const reached = new Promise<void>((resolve) => {
      outage = { reached: resolve, release: new Promise<void>((resolveRelease) => (release = resolveRelease)) };
    });
    const failing = auth.getAccessToken();
    await reached;
    // The background timer fires while that call's refresh is on the wire, and gives way to it.
    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    release();
    await expect(failing).rejects.toMatchObject({ code: 'server_error' });

    // Without any call, the timer renews the session once the endpoint is back.
    const events: ApiaxTokenEvent[] = [];
    auth.on('token', (event) => events.push(event));
    await vi.advanceTimersByTimeAsync(MINUTE);
    await vi.waitFor(() => expect(auth.status().state).toBe('valid'), { timeout: 10_000, interval: 20 });
    expect(events).toMatchObject([{ grant: 'refresh', reason: 'background' }]);
    expect(fake.stats).toMatchObject({ password: 1, refresh: 1 });
  });

  it('close() clears the timer: nothing is sent afterwards', async () => {
    const { fake, clock, client } = await startHarness();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const auth = client({ background: true });
    await auth.getAccessToken();
    await auth.close();
    expect(vi.getTimerCount()).toBe(0);
    clock.advance(25 * 60);
    await vi.advanceTimersByTimeAsync(25 * MINUTE);
    expect(fake.stats.tokenRequests).toBe(1);
  });
});

describe('guarantee 7: timers do not hold the process', () => {
  const packageDir = fileURLToPath(new URL('..', import.meta.url));
  const compiledDir = fileURLToPath(new URL('../node_modules/.cache/apiax-core-child-test/', import.meta.url));

  beforeAll(async () => {
    // The child process runs plain JavaScript: compile src once (its own build may not exist yet in CI).
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    await promisify(execFile)(
      process.execPath,
      [
        tsc,
        '-p',
        'tsconfig.build.json',
        '--outDir',
        compiledDir,
        '--declaration',
        'false',
        '--declarationMap',
        'false',
        '--sourceMap',
        'false',
      ],
      { cwd: packageDir },
    );
  }, 180_000);

  it('a process with background: true and a live session exits by itself', async () => {
    const { fake } = await startHarness({}, Date.now());
    const script = `
      const { createApiaxAuth } = await import(${JSON.stringify(new URL('index.js', `file://${compiledDir}`).href)});
      const auth = createApiaxAuth({ env: ${JSON.stringify(fake.env)}, background: true });
      await auth.getAccessToken();
      console.log(JSON.stringify(auth.status()));
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = await new Promise<{ code: number | null; timedOut: boolean }>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve({ code: null, timedOut: true });
      }, 30_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, timedOut: false });
      });
    });
    expect(stderr).toBe('');
    expect(exit).toEqual({ code: 0, timedOut: false });
    expect(JSON.parse(stdout)).toMatchObject({ state: 'valid', grants: { password: 1 } });
    expect(fake.stats.password).toBe(1);
  }, 60_000);
});
