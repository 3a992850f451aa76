import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { settled, startHarness } from './support/harness.js';

/** Guarantee 1: no request is ever sent with an access token that has expired, by the local clock, with the margin. */
describe('guarantee 1: never an expired token', () => {
  it('over a random walk through time (jumps into the margin, past expiry, days ahead), every API call carries a token valid for at least the margin', async () => {
    const expiryMarginMs = 10_000;
    const { fake, clock, client } = await startHarness({ accessTokenLifetimeSeconds: 1800, ssoSessionMaxSeconds: 3 * 86_400 });
    const sent: Array<{ at: number; exp: number }> = [];
    const auth = client({
      expiryMarginMs,
      fetch: async (input, init) => {
        const authorization = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)).get('authorization');
        if (authorization !== null) sent.push({ at: clock.now(), exp: decodeJwt(authorization.slice('Bearer '.length)).exp! * 1000 });
        return globalThis.fetch(input, init);
      },
    });

    // A deterministic walk: steps of whole seconds, biased towards the edges of the margin and the window.
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const edges = [1, 5, 9, 10, 11, 59, 60, 61, 299, 300, 301, 1489, 1490, 1491, 1790, 1791, 1799, 1800, 1801, 3600, 86_400];
    for (let step = 0; step < 300; step += 1) {
      const seconds = random() < 0.5 ? edges[Math.floor(random() * edges.length)]! : Math.floor(random() * 2000);
      clock.advance(seconds);
      const response = await auth.fetch('/api/v3/rules/inspect', { method: 'POST', body: '{}' });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      // Sometimes let a background renewal finish before time moves on, sometimes not.
      if (random() < 0.5) await settled(auth);
    }
    await settled(auth);

    expect(sent.length).toBeGreaterThanOrEqual(300);
    for (const { at, exp } of sent) expect(exp - at).toBeGreaterThanOrEqual(expiryMarginMs);
    expect(fake.stats.rejectedApiCalls).toBe(0);
  });

  it('getAccessToken() never hands out a token inside the margin: at exactly expiry − margin it waits for a new one', async () => {
    const { fake, clock, client } = await startHarness({ accessTokenLifetimeSeconds: 1800 });
    const auth = client({ expiryMarginMs: 10_000, refreshWindowMs: 0 });
    const first = await auth.getAccessToken();
    clock.advance(1800 - 10 - 1);
    expect(await auth.getAccessToken()).toBe(first);
    clock.advance(1);
    const second = await auth.getAccessToken();
    expect(second).not.toBe(first);
    expect(fake.stats.refresh).toBe(1);
  });
});
