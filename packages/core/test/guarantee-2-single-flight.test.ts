import { describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../src/index.js';
import { settled, startHarness } from './support/harness.js';

const STORM = 10_000;

/** Guarantee 2: one grant in flight at a time per account, ever. */
describe('guarantee 2: single flight', () => {
  it(`${STORM} concurrent getAccessToken()/fetch calls at cold start send one token request`, async () => {
    const { fake, client } = await startHarness({ tokenLatencyMs: 30 });
    const auth = client();
    const tokenCalls = Array.from({ length: STORM - 500 }, () => auth.getAccessToken());
    const fetchCalls = Array.from({ length: 500 }, () => auth.fetch('/api/v3/rules/inspect', { method: 'POST', body: '{}' }));
    const tokens = await Promise.all(tokenCalls);
    const responses = await Promise.all(fetchCalls);
    expect(new Set(tokens).size).toBe(1);
    expect(responses.every((response) => response.status === 200)).toBe(true);
    await Promise.all(responses.map((response) => response.arrayBuffer()));
    expect(fake.stats.tokenRequests).toBe(1);
    expect(auth.status().grants).toEqual({ password: 1, refresh: 0 });
  });

  it(`${STORM} concurrent calls at expiry send one refresh`, async () => {
    const { fake, clock, client } = await startHarness({ tokenLatencyMs: 30 });
    const auth = client();
    const first = await auth.getAccessToken();
    clock.advance(1800);
    const tokens = await Promise.all(Array.from({ length: STORM }, () => auth.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(first);
    expect(fake.stats).toMatchObject({ tokenRequests: 2, password: 1, refresh: 1, maxConcurrentRefreshes: 1 });
  });

  it(`${STORM} concurrent calls inside the refresh window start one background refresh`, async () => {
    const { fake, clock, client } = await startHarness({ tokenLatencyMs: 30 });
    const auth = client();
    const first = await auth.getAccessToken();
    clock.advance(26 * 60);
    const tokens = await Promise.all(Array.from({ length: STORM }, () => auth.getAccessToken()));
    expect(new Set(tokens)).toEqual(new Set([first]));
    await settled(auth);
    expect(fake.stats).toMatchObject({ tokenRequests: 2, refresh: 1 });
  });

  it('with rotating refresh tokens, storms, forced refreshes and 401 renewals never end the session', async () => {
    const { fake, clock, client } = await startHarness({ rotateRefreshTokens: true, tokenLatencyMs: 20 });
    const auth = client();
    await auth.getAccessToken();
    for (let round = 0; round < 5; round += 1) {
      clock.advance(round % 2 === 0 ? 26 * 60 : 31 * 60);
      const current = auth.status().accessTokenExpiresAt;
      expect(current).not.toBeNull();
      const calls = [
        ...Array.from({ length: 2_000 }, () => auth.getAccessToken()),
        ...Array.from({ length: 50 }, () => auth.getAccessToken({ forceRefresh: true })),
        ...Array.from({ length: 100 }, () => auth.fetch('/api/v3/rules/inspect', { method: 'POST', body: '{}' }).then((r) => r.status)),
      ];
      await Promise.all(calls);
      await settled(auth);
    }
    expect(fake.stats.failedRefreshes).toBe(0);
    expect(fake.stats.password).toBe(1);
    expect(fake.stats.maxConcurrentRefreshes).toBe(1);
    expect(fake.stats.activeSessions).toBe(1);
    expect(fake.stats.rejectedApiCalls).toBe(0);
  });

  it('two clients sharing one MemoryTokenStore share one flight, at cold start and at expiry', async () => {
    const { fake, clock, client } = await startHarness({ tokenLatencyMs: 30 });
    const store = new MemoryTokenStore();
    const a = client({ store });
    const b = client({ store });
    const adopted: string[] = [];
    b.on('token', (event) => adopted.push(`${event.grant}:${event.reason}`));
    a.on('token', (event) => adopted.push(`a-${event.grant}:${event.reason}`));

    const cold = await Promise.all([
      ...Array.from({ length: STORM / 2 }, () => a.getAccessToken()),
      ...Array.from({ length: STORM / 2 }, () => b.getAccessToken()),
    ]);
    expect(new Set(cold).size).toBe(1);
    expect(fake.stats.tokenRequests).toBe(1);

    clock.advance(1800);
    const warm = await Promise.all([
      ...Array.from({ length: STORM / 2 }, () => b.getAccessToken()),
      ...Array.from({ length: STORM / 2 }, () => a.getAccessToken()),
    ]);
    expect(new Set(warm).size).toBe(1);
    expect(fake.stats).toMatchObject({ tokenRequests: 2, password: 1, refresh: 1 });
    expect(adopted.filter((entry) => entry.startsWith('store:') || entry.startsWith('a-store:'))).toHaveLength(2);
  });
});
