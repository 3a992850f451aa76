import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, type ApiaxAuth } from '../src/index.js';
import { pooledFetch, settled, startHarness } from './support/harness.js';

const STORM = 10_000;
/**
 * The `auth.fetch` storms are real HTTP calls, each one also served by the fake in this process: 2,000
 * (60 times the pool's 32 connections) waiting on one token exercise the same single flight as 10,000
 * `getAccessToken()` calls, at a fifth of the suite's time (it runs on three Nodes in CI).
 */
const FETCH_STORM = 2_000;
/** Thousands of real HTTP calls take seconds on a loaded 2-core machine: generous, never asserted. */
const STORM_TIMEOUT_MS = 180_000;

/** `FETCH_STORM` concurrent `auth.fetch` calls to the fake's rule engine; resolves with their statuses. */
function fetchStorm(auth: ApiaxAuth): Promise<number[]> {
  return Promise.all(
    Array.from({ length: FETCH_STORM }, () =>
      auth.fetch('/api/v3/rules/inspect', { method: 'POST', body: '{}' }).then((response) => response.status),
    ),
  );
}

/** Guarantee 2: one grant in flight at a time per account, ever. */
describe('guarantee 2: single flight', () => {
  it(
    `${FETCH_STORM} concurrent auth.fetch calls at cold start, then ${FETCH_STORM} at expiry, each send exactly one token request; with rotation the session survives`,
    async () => {
      const { fake, clock, client } = await startHarness({ tokenLatencyMs: 30, rotateRefreshTokens: true });
      const pool = pooledFetch(fake.apiBaseUrl);
      const auth = client({ fetch: pool.fetch });

      expect(await fetchStorm(auth)).toEqual(Array(FETCH_STORM).fill(200));
      expect(fake.stats).toMatchObject({ tokenRequests: 1, password: 1, refresh: 0, apiCalls: FETCH_STORM, rejectedApiCalls: 0 });
      const coldTokens = new Set(pool.bearers.splice(0));
      expect(coldTokens.size).toBe(1);

      clock.advance(1800);
      expect(await fetchStorm(auth)).toEqual(Array(FETCH_STORM).fill(200));
      expect(fake.stats).toMatchObject({
        tokenRequests: 2,
        password: 1,
        refresh: 1,
        failedRefreshes: 0,
        maxConcurrentRefreshes: 1,
        activeSessions: 1,
        apiCalls: 2 * FETCH_STORM,
        rejectedApiCalls: 0,
      });
      const expiryTokens = new Set(pool.bearers);
      expect(expiryTokens.size).toBe(1);
      expect(coldTokens.has([...expiryTokens][0]!)).toBe(false);
      expect(auth.status().grants).toEqual({ password: 1, refresh: 1 });
    },
    STORM_TIMEOUT_MS,
  );

  it(`${STORM} concurrent getAccessToken() calls at cold start send one token request`, async () => {
    const { fake, client } = await startHarness({ tokenLatencyMs: 30 });
    const auth = client();
    const tokens = await Promise.all(Array.from({ length: STORM }, () => auth.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(fake.stats.tokenRequests).toBe(1);
    expect(auth.status().grants).toEqual({ password: 1, refresh: 0 });
  });

  it(`${STORM} concurrent getAccessToken() calls at expiry send one refresh`, async () => {
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
      // Even rounds: the server's clock runs ahead and already refuses the token the client still trusts,
      // so fetches meet 401s while the background refresh is on the wire.
      if (round % 2 === 0) fake.advance(5 * 60);
      const calls = [
        ...Array.from({ length: 2_000 }, () => auth.getAccessToken()),
        ...Array.from({ length: 50 }, () => auth.getAccessToken({ forceRefresh: true })),
        ...Array.from({ length: 100 }, () => auth.fetch('/api/v3/rules/inspect', { method: 'POST', body: '{}' }).then((r) => r.status)),
      ];
      const results = await Promise.all(calls);
      expect(results.slice(-100)).toEqual(Array(100).fill(200));
      await settled(auth);
    }
    expect(fake.stats.failedRefreshes).toBe(0);
    expect(fake.stats.password).toBe(1);
    expect(fake.stats.maxConcurrentRefreshes).toBe(1);
    expect(fake.stats.activeSessions).toBe(1);
    expect(fake.stats.rejectedApiCalls).toBeGreaterThan(0);
  });

  it('a forced renewal never takes the token it replaces from a flight still writing that token to a slow store', async () => {
    const { fake, clock, client } = await startHarness();
    let releaseWrites: (() => void) | undefined;
    const writesHeld = new Promise<void>((resolve) => (releaseWrites = resolve));
    let holdWrites = false;
    const store = new (class extends MemoryTokenStore {
      override async set(...args: Parameters<MemoryTokenStore['set']>): Promise<void> {
        if (holdWrites) await writesHeld;
        return super.set(...args);
      }
    })();
    const auth = client({ store });
    const first = await auth.getAccessToken();
    const firstExpiry = auth.status().accessTokenExpiresAt;

    clock.advance(1800);
    holdWrites = true;
    const refreshing = auth.getAccessToken();
    // The refresh has committed its token and is still writing it to the store.
    while (auth.status().accessTokenExpiresAt === firstExpiry) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await auth.getAccessToken();
    expect(second).not.toBe(first);
    const forced = auth.getAccessToken({ forceRefresh: true });
    holdWrites = false;
    releaseWrites!();

    expect(await refreshing).toBe(second);
    const third = await forced;
    expect(third).not.toBe(second);
    expect(fake.stats).toMatchObject({ password: 1, refresh: 2, maxConcurrentRefreshes: 1 });
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
