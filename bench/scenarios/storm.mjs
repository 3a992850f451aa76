import { startFakeApiax } from '@apiax-auth/testing';
import { withSimulatedTime } from '../lib/simulated-time.mjs';
import { burst } from '../lib/traffic.mjs';

/**
 * Scenario 1 — storm: N concurrent calls at cold start, then N again once the token has expired.
 * Counts the token requests each storm sends (ideal: one each) and the calls that failed.
 */
export async function storm(clientKind, { quick }) {
  const calls = quick ? 1_000 : 10_000;
  return withSimulatedTime(async (clock) => {
    // A token endpoint that takes a moment, as a real one does: the window in which callers race.
    const fake = await startFakeApiax({ now: clock.now, tokenLatencyMs: 25, bruteForce: false });
    const client = clientKind.create({ fake, username: 'demo', password: 'demo', now: clock.now, simulatedTime: true });
    try {
      const cold = await burst(client, calls);
      const afterCold = { ...fake.stats };
      clock.advance(1800 + 1);
      const expired = await burst(client, calls);
      const afterExpiry = { ...fake.stats };
      return {
        calls,
        coldStart: { tokenRequests: afterCold.tokenRequests, failed: cold.failed },
        atExpiry: { tokenRequests: afterExpiry.tokenRequests - afterCold.tokenRequests, failed: expired.failed },
        maxConcurrentRefreshes: afterExpiry.maxConcurrentRefreshes,
      };
    } finally {
      await client.close();
      await fake.close();
    }
  });
}
