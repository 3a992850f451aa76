import { describe, expect, it } from 'vitest';
import type { ApiaxTokenEvent } from '../src/index.js';
import { settled, startHarness } from './support/harness.js';

/**
 * Guarantee 8: 14 days + 1 hour of steady traffic (one call per simulated minute, one clock shared
 * by the fake and the client) costs one login, the minimal number of refreshes, one re-login
 * before the refresh token dies, and no failed or blocked call.
 */
describe('guarantee 8: fourteen days of steady traffic', () => {
  it('one login, minimal refreshes, one proactive re-login, zero failed or blocked calls', async () => {
    const accessTokenLifetimeSeconds = 1800;
    const ssoSessionMaxSeconds = 14 * 86_400;
    const durationSeconds = ssoSessionMaxSeconds + 3600;
    const callEverySeconds = 60;
    const apiCallEverySeconds = 15 * 60;
    const { fake, clock, client } = await startHarness({
      accessTokenLifetimeSeconds,
      ssoSessionMaxSeconds,
      ssoSessionIdleSeconds: ssoSessionMaxSeconds,
    });
    const auth = client();
    const events: ApiaxTokenEvent[] = [];
    auth.on('token', (event) => events.push(event));
    const failures: unknown[] = [];
    auth.on('error', (error) => failures.push(error));

    // Expected from the settings: the default window is max(60 s, L/6) = 300 s, so a refresh every
    // L − window = 1500 s (a multiple of the call interval). A refresh at t is worth it while the
    // session can still carry a full token (session end − t ≥ L); the next due instant re-logs in.
    const windowSeconds = Math.max(60, accessTokenLifetimeSeconds / 6);
    const refreshEverySeconds = accessTokenLifetimeSeconds - windowSeconds;
    const refreshesInFirstSession = Math.floor((ssoSessionMaxSeconds - accessTokenLifetimeSeconds) / refreshEverySeconds);
    const reloginAtSeconds = (refreshesInFirstSession + 1) * refreshEverySeconds;
    const refreshesInSecondSession = Math.floor((durationSeconds - reloginAtSeconds) / refreshEverySeconds);
    expect(reloginAtSeconds).toBeLessThan(ssoSessionMaxSeconds);

    const start = clock.now();
    let blocked = 0;
    let failedCalls = 0;
    for (let elapsed = 0; elapsed <= durationSeconds; elapsed += callEverySeconds) {
      if (elapsed > 0) clock.advance(callEverySeconds);
      // A call is blocked when no usable token exists when it starts (it would wait for a grant).
      if (elapsed > 0 && auth.status().state !== 'valid') blocked += 1;
      // Every call takes a token; every 15th also goes to the API (20,000 HTTP calls would only slow CI down).
      if (elapsed % apiCallEverySeconds === 0) {
        const response = await auth.fetch('/api/v3/rules/eval', { method: 'POST', body: '{"products":[],"regimes":["CAN"]}' });
        if (response.status !== 200) failedCalls += 1;
        await response.arrayBuffer();
      } else {
        await auth.getAccessToken().catch(() => (failedCalls += 1));
      }
      await settled(auth);
    }

    expect(blocked).toBe(0);
    expect(failedCalls).toBe(0);
    expect(failures).toEqual([]);
    expect(fake.stats).toMatchObject({
      password: 2,
      refresh: refreshesInFirstSession + refreshesInSecondSession,
      failedLogins: 0,
      failedRefreshes: 0,
      rejectedApiCalls: 0,
    });
    expect(fake.stats.apiCalls).toBe(Math.floor(durationSeconds / apiCallEverySeconds) + 1);
    const logins = events.filter((event) => event.grant === 'password');
    expect(logins.map((event) => [event.reason, (event.at - start) / 1000])).toEqual([
      ['initial', 0],
      ['relogin', reloginAtSeconds],
    ]);
    expect(auth.status().grants).toEqual({ password: 2, refresh: refreshesInFirstSession + refreshesInSecondSession });
    expect(fake.stats.tokenRequests).toBe(2 + refreshesInFirstSession + refreshesInSecondSession);
    expect(refreshesInFirstSession + refreshesInSecondSession).toBe(807);
    // Every refresh ran ahead of expiry, in the background: none was waited for.
    const refreshReasons = new Set(events.filter((event) => event.grant === 'refresh').map((event) => event.reason));
    expect(refreshReasons).toEqual(new Set(['expiring']));
  }, 300_000);
});
