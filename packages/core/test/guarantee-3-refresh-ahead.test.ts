import { describe, expect, it } from 'vitest';
import { settled, startHarness } from './support/harness.js';

/** Guarantee 3: in steady traffic no caller waits for a refresh. */
describe('guarantee 3: refresh ahead of expiry', () => {
  it('inside the default window (5 min of a 30-min token) callers get the current token while the refresh runs', async () => {
    const { fake, clock, client } = await startHarness({ tokenLatencyMs: 300 });
    const auth = client();
    const first = await auth.getAccessToken();

    clock.advance(25 * 60 - 1);
    expect(await auth.getAccessToken()).toBe(first);
    expect(auth.status().state).toBe('valid');

    clock.advance(1);
    // The window opened: this call starts the refresh and does not wait for it.
    expect(await auth.getAccessToken()).toBe(first);
    expect(auth.status().state).toBe('refreshing');
    const duringRefresh = await Promise.all(Array.from({ length: 100 }, () => auth.getAccessToken()));
    expect(new Set(duringRefresh)).toEqual(new Set([first]));
    expect(auth.status().state).toBe('refreshing');

    await settled(auth);
    const second = await auth.getAccessToken();
    expect(second).not.toBe(first);
    expect(auth.status().state).toBe('valid');
    expect(fake.stats).toMatchObject({ password: 1, refresh: 1 });
  });

  it.each([
    ['honours a configured window (10 min)', 1800, { refreshWindowMs: 10 * 60_000 }, 20 * 60],
    ['keeps the default window at 60 s or more for short tokens', 300, {}, 300 - 60],
  ])('%s', async (_title, accessTokenLifetimeSeconds, options, refreshDueAfterSeconds) => {
    const { fake, clock, client } = await startHarness({ accessTokenLifetimeSeconds });
    const auth = client(options);
    await auth.getAccessToken();
    clock.advance(refreshDueAfterSeconds - 1);
    await auth.getAccessToken();
    await settled(auth);
    expect(fake.stats.refresh).toBe(0);
    clock.advance(1);
    await auth.getAccessToken();
    await settled(auth);
    expect(fake.stats.refresh).toBe(1);
  });
});
