// Latencies are generous on purpose: concurrent requests must overlap even on a loaded 2-core CI machine.
import { describe, expect, it } from 'vitest';
import { login, refresh, startFake } from './support/helpers.js';

describe('maxConcurrentRefreshes', () => {
  it('counts refresh grants in flight at once for one session', async () => {
    const fake = await startFake({ tokenLatencyMs: 500 });
    const { body } = await login(fake);
    const results = await Promise.all([1, 2, 3].map(() => refresh(fake, body.refresh_token)));
    expect(results.every((result) => result.status === 200)).toBe(true);
    expect(fake.stats.maxConcurrentRefreshes).toBe(3);
  });

  it('stays at 1 for sequential refreshes, and counts per session', async () => {
    const fake = await startFake({ tokenLatencyMs: 20 });
    const a = await login(fake);
    const b = await login(fake);
    let token: string = a.body.refresh_token;
    for (let i = 0; i < 3; i += 1) token = (await refresh(fake, token)).body.refresh_token;
    expect(fake.stats.maxConcurrentRefreshes).toBe(1);
    // Two sessions refreshing at once are not a race.
    await Promise.all([refresh(fake, token), refresh(fake, b.body.refresh_token)]);
    expect(fake.stats.maxConcurrentRefreshes).toBe(1);
  });

  it('is zeroed by resetStats()', async () => {
    const fake = await startFake({ tokenLatencyMs: 500 });
    const { body } = await login(fake);
    await Promise.all(Array.from({ length: 2 }, () => refresh(fake, body.refresh_token)));
    expect(fake.stats.maxConcurrentRefreshes).toBe(2);
    fake.resetStats();
    expect(fake.stats.maxConcurrentRefreshes).toBe(0);
  });
});
