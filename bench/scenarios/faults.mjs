import { startFakeApiax } from '@apiax-auth/testing';
import { withSimulatedTime } from '../lib/simulated-time.mjs';
import { burst, callApi, settleGrants } from '../lib/traffic.mjs';

const HOUR = 3_600;
const OUTAGE = { type: 'html', status: 503 };
const TOKEN_LATENCY_MS = 20;

/**
 * Scenario 3 — faults. Each case runs simulated traffic and counts failed calls:
 * - outage: the token endpoint answers a proxy's 503 page for 2 minutes across the first expiry;
 * - admin logout: an admin ends every session 10 minutes in;
 * - rotation: refresh-token rotation on, bursts of concurrent calls across several expiries:
 *   a reused refresh token ends the session (counted as `sessionsEnded`).
 */
export async function faults(clientKind, { quick }) {
  return {
    outage: await outage(clientKind, quick),
    adminLogout: await adminLogout(clientKind),
    rotation: await rotation(clientKind, quick),
  };
}

async function outage(clientKind, quick) {
  return runSimulated(clientKind, {}, async ({ fake, client, clock, start }) => {
    const downFrom = 1_800 - 60;
    const downUntil = 1_800 + 60;
    let failed = 0;
    let calls = 0;
    const stepSeconds = quick ? 20 : 10;
    let down = false;
    for (let elapsed = 0; elapsed <= HOUR; elapsed += stepSeconds) {
      clock.set(start + elapsed * 1000);
      const shouldBeDown = elapsed >= downFrom && elapsed < downUntil;
      if (shouldBeDown && !down) fake.fail(OUTAGE, 100_000); // more than any client sends in 2 minutes
      if (!shouldBeDown && down) fake.clearFaults();
      down = shouldBeDown;
      const tokenRequestsBefore = fake.stats.tokenRequests;
      const result = await callApi(client);
      calls += 1;
      if (!result.ok) failed += 1;
      await settleGrants(fake, tokenRequestsBefore, TOKEN_LATENCY_MS);
    }
    return { calls, failed };
  });
}

async function adminLogout(clientKind) {
  return runSimulated(clientKind, {}, async ({ fake, client, clock, start }) => {
    let failed = 0;
    let calls = 0;
    for (let elapsed = 0; elapsed <= HOUR; elapsed += 10) {
      clock.set(start + elapsed * 1000);
      if (elapsed === 600) fake.endAllSessions();
      const tokenRequestsBefore = fake.stats.tokenRequests;
      const result = await callApi(client);
      calls += 1;
      if (!result.ok) failed += 1;
      await settleGrants(fake, tokenRequestsBefore, TOKEN_LATENCY_MS);
    }
    return { calls, failed, logins: fake.stats.password };
  });
}

async function rotation(clientKind, quick) {
  return runSimulated(clientKind, { rotateRefreshTokens: true }, async ({ fake, client, clock, start }) => {
    let failed = 0;
    let calls = 0;
    const hours = quick ? 1 : 4;
    for (let elapsed = 0; elapsed <= hours * HOUR; elapsed += 60) {
      clock.set(start + elapsed * 1000);
      const tokenRequestsBefore = fake.stats.tokenRequests;
      const result = await burst(client, quick ? 20 : 50);
      calls += result.calls;
      failed += result.failed;
      await settleGrants(fake, tokenRequestsBefore, TOKEN_LATENCY_MS);
    }
    const stats = fake.stats;
    return { calls, failed, sessionsEnded: stats.failedRefreshes, logins: stats.password };
  });
}

async function runSimulated(clientKind, fakeOptions, scenario) {
  return withSimulatedTime(async (clock) => {
    const fake = await startFakeApiax({ now: clock.now, tokenLatencyMs: TOKEN_LATENCY_MS, bruteForce: false, ...fakeOptions });
    const client = clientKind.create({ fake, username: 'demo', password: 'demo', now: clock.now, simulatedTime: true });
    try {
      return await scenario({ fake, client, clock, start: clock.now() });
    } finally {
      await client.close();
      await fake.close();
    }
  });
}
