import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { apiax, startFake, tempDir, userEnv } from './support/apiax.js';

/** The lock files in the run's token cache (`~/.cache/apiax-auth`). */
function lockFiles(home: string): string[] {
  const cache = join(home, '.cache', 'apiax-auth');
  return readdirSync(cache)
    .filter((name) => name.endsWith('.lock'))
    .map((name) => join(cache, name));
}

describe('apiax after a run that crashed holding the lock', () => {
  it('a run SIGKILLed mid-login leaves its lock file; the next run sees the holder is gone, takes it over and logs in', async () => {
    const fake = await startFake();
    const home = tempDir();
    const env = userEnv(fake, home);
    // The first run's login hangs at the server, so that it is killed while holding the lock.
    fake.fail({ type: 'delay', ms: 600_000 }, 1);
    const crashed = spawn(inject('apiaxBin'), ['token'], { env, stdio: 'ignore' });
    await expect.poll(() => fake.stats.tokenRequests).toBe(1);
    const [lock] = lockFiles(home);
    const holder = JSON.parse(readFileSync(lock!, 'utf8')) as { pid: number; expiresAt: number };
    expect(holder.pid).toBe(crashed.pid);
    crashed.kill('SIGKILL');
    await once(crashed, 'exit');
    expect(lockFiles(home)).toEqual([lock]); // nothing cleaned it up

    const next = await apiax(['token'], env);
    expect(next.code).toBe(0);
    expect(next.stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
    // Taken over because its process is gone, not because it expired: the dead holder's lease still runs.
    expect(holder.expiresAt).toBeGreaterThan(Date.now());
    expect(next.stderr).toBe('');
    expect(fake.stats.password).toBe(1); // the killed run's grant never reached the realm
    expect(lockFiles(home)).toEqual([]);
  });
});
