import { startFakeApiax } from '@apiax-auth/testing';
import { withSimulatedTime } from '../lib/simulated-time.mjs';
import { callApi, settleGrants } from '../lib/traffic.mjs';

const DAY_SECONDS = 86_400;
const TOKEN_LATENCY_MS = 40;

/**
 * Scenario 2 — 14 simulated days (+1 hour) of steady traffic, one call per step, clock injected
 * (quick: 2 days, a call every 4 minutes: still inside the 5-minute refresh window).
 * Counts logins, refreshes, calls sent with an expired token (the API's 401s), calls that waited on
 * the token endpoint, and failed calls; samples cumulative token requests for the chart.
 */
export async function fourteenDays(clientKind, { quick }) {
  const stepSeconds = quick ? 240 : 60;
  const totalSeconds = (quick ? 2 : 14) * DAY_SECONDS + 3_600;
  return withSimulatedTime(async (clock) => {
    const fake = await startFakeApiax({ now: clock.now, tokenLatencyMs: TOKEN_LATENCY_MS });
    const client = clientKind.create({ fake, username: 'demo', password: 'demo', now: clock.now, simulatedTime: true });
    const start = clock.now();
    const series = [];
    let calls = 0;
    let failed = 0;
    let waited = 0;
    try {
      for (let elapsed = 0; elapsed <= totalSeconds; elapsed += stepSeconds) {
        clock.set(start + elapsed * 1000);
        const tokenRequestsBefore = fake.stats.tokenRequests;
        const result = await callApi(client);
        calls += 1;
        if (!result.ok) failed += 1;
        // Nothing else in a call takes this long on loopback: only a grant awaited inline does.
        if (result.waitedMs >= TOKEN_LATENCY_MS * 0.8) waited += 1;
        await settleGrants(fake, tokenRequestsBefore, TOKEN_LATENCY_MS);
        if (elapsed % 3_600 === 0) series.push({ day: elapsed / DAY_SECONDS, tokenRequests: fake.stats.tokenRequests });
      }
      const stats = fake.stats;
      return {
        calls,
        days: totalSeconds / DAY_SECONDS,
        stepSeconds,
        logins: stats.password,
        refreshes: stats.refresh,
        tokenRequests: stats.tokenRequests,
        sentWithExpiredToken: stats.rejectedApiCalls,
        waitedOnTokenEndpoint: waited,
        failed,
        series,
      };
    } finally {
      await client.close();
      await fake.close();
    }
  });
}
