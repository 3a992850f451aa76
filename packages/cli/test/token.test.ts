import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiax, CANARY_API_KEY, CANARY_CACHE_KEY, CANARY_PASSWORD, expectNoSecrets, startFake, tempDir, userEnv } from './support/apiax.js';

const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

const cacheFile = (directory: string) =>
  join(
    directory,
    readdirSync(directory).find((name) => name.endsWith('.json'))!,
  );

describe('apiax token', () => {
  it('prints the token alone; the next run reuses it from ~/.cache/apiax-auth (0700 dir, 0600 file): one login', async () => {
    const fake = await startFake();
    const home = tempDir();
    const env = userEnv(fake, home);
    const first = await apiax(['token'], env);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/\n$/);
    const token = first.stdout.trimEnd();
    expect(token).toMatch(JWT);
    expect((await apiax(['token'], env)).stdout.trimEnd()).toBe(token);
    expect(fake.stats.password).toBe(1);

    const directory = join(home, '.cache', 'apiax-auth');
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    expect(statSync(cacheFile(directory)).mode & 0o777).toBe(0o600);
    expectNoSecrets(first, [CANARY_PASSWORD, CANARY_API_KEY]);
  });

  it('10 parallel runs send one password grant between them', async () => {
    const fake = await startFake({ tokenLatencyMs: 100 });
    const env = userEnv(fake, tempDir());
    const runs = await Promise.all(Array.from({ length: 10 }, () => apiax(['token'], env)));
    expect(runs.map((run) => run.code)).toEqual(Array(10).fill(0));
    expect(new Set(runs.map((run) => run.stdout)).size).toBe(1);
    expect(fake.stats.password).toBe(1);
  });

  it('honours $APIAX_CACHE_DIR and $XDG_CACHE_HOME; --no-cache writes nothing and ends its session', async () => {
    const fake = await startFake();
    const home = tempDir();
    const xdg = tempDir();
    await apiax(['token'], userEnv(fake, home, { XDG_CACHE_HOME: xdg }));
    expect(readdirSync(join(xdg, 'apiax-auth'))).toHaveLength(1);
    const explicit = join(tempDir(), 'mine');
    await apiax(['token'], userEnv(fake, home, { XDG_CACHE_HOME: xdg, APIAX_CACHE_DIR: explicit }));
    expect(readdirSync(explicit)).toHaveLength(1);
    expect(fake.stats.password).toBe(2);

    const uncached = await apiax(['token', '--no-cache'], userEnv(fake, home));
    expect(uncached.stdout.trimEnd()).toMatch(JWT);
    expect(() => readdirSync(join(home, '.cache'))).toThrow(/ENOENT/);
    expect(fake.stats.password).toBe(3);
    expect(fake.stats.logouts).toBe(1);
  });

  it('a tampered cache file is ignored with a warning, then a fresh login replaces it', async () => {
    const fake = await startFake();
    const home = tempDir();
    const env = userEnv(fake, home);
    const token = (await apiax(['token'], env)).stdout.trimEnd();
    const file = cacheFile(join(home, '.cache', 'apiax-auth'));
    writeFileSync(file, readFileSync(file, 'utf8').replace(token.slice(-12), 'x'.repeat(12)));

    const after = await apiax(['token'], env);
    expect(after.code).toBe(0);
    expect(after.stderr).toMatch(/^apiax: warning: .*ignoring .*integrity check/m);
    expect(after.stdout.trimEnd()).not.toBe(token);
    expect(fake.stats.password).toBe(2);
    expect((await apiax(['token'], env)).stderr).toBe('');
    expectNoSecrets(after, [CANARY_PASSWORD, token]);
  });

  it('APIAX_CACHE_KEY encrypts the cache: no token in the file, and the next run still reuses it', async () => {
    const fake = await startFake();
    const home = tempDir();
    const env = userEnv(fake, home, { APIAX_CACHE_KEY: CANARY_CACHE_KEY });
    const first = await apiax(['token'], env);
    const token = first.stdout.trimEnd();
    const text = readFileSync(cacheFile(join(home, '.cache', 'apiax-auth')), 'utf8');
    expect(text).toContain('aes-256-gcm');
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('.')[1]!);
    expect((await apiax(['token'], env)).stdout.trimEnd()).toBe(token);
    expect(fake.stats.password).toBe(1);

    const wrongKey = await apiax(['token'], { ...env, APIAX_CACHE_KEY: 'another-key' });
    expect(wrongKey.stderr).toMatch(/does not decrypt/);
    expect(fake.stats.password).toBe(2);
    expectNoSecrets(first, [CANARY_PASSWORD, CANARY_CACHE_KEY]);
    expectNoSecrets(wrongKey, [CANARY_CACHE_KEY, 'another-key']);
  });

  it('--env-file supplies APIAX_* variables; what the environment already sets wins', async () => {
    const fake = await startFake();
    const home = tempDir();
    const envFile = join(home, 'apiax.env');
    const lines = Object.entries(fake.env).map(([name, value]) => `${name}=${String(value)}`);
    writeFileSync(envFile, `${lines.join('\n')}\n`);
    const bare = { PATH: process.env['PATH'] ?? '', HOME: home };
    const run = await apiax(['--env-file', envFile, 'token'], bare);
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd()).toMatch(JWT);

    const overridden = await apiax(['token', '--no-cache', '--env-file', envFile], { ...bare, APIAX_PASSWORD: 'from-environment' });
    expect(overridden.code).toBe(1);
    expect(overridden.stderr).toMatch(/^apiax: invalid_credentials: /);
    const missing = await apiax(['token', '--env-file', join(home, 'nope.env')], bare);
    // Node itself checks every `--env-file` in argv, the script's too, and exits 9 before apiax runs
    // ("node: <path>: not found", nodejs/node#54232); where it does not, apiax says env_file_unreadable, exit 1.
    expect(missing.code === 1 || missing.code === 9).toBe(true);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^apiax: env_file_unreadable: .*ENOENT|nope\.env: not found/);
  });

  it('a cache directory open to other users is refused, never chmod-ed: a warning, and the run still works', async () => {
    const fake = await startFake();
    const shared = join(tempDir(), 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o755);
    const run = await apiax(['token'], userEnv(fake, tempDir(), { APIAX_CACHE_DIR: shared }));
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd()).toMatch(JWT);
    expect(run.stderr).toMatch(/^apiax: warning: .*token store failed/m);
    expect(statSync(shared).mode & 0o777).toBe(0o755);
    expect(readdirSync(shared)).toEqual([]);
    expectNoSecrets(run, [CANARY_PASSWORD]);
    expect(run.stderr).not.toContain(run.stdout.trimEnd());
  });
});
