import { randomBytes } from 'node:crypto';
import { apiaxAuthClient } from '../clients/apiax-auth.mjs';
import { startFakeApiax } from '@apiax-auth/testing';
import { withSimulatedTime } from '../lib/simulated-time.mjs';
import { burst } from '../lib/traffic.mjs';

const CYCLES = 3;

/**
 * Scenario 5 — fleet: N instances (each its own client, and with Redis its own connection) serve
 * bursts at cold start and after each of 3 expiries. Counts token requests at cold start and per
 * cycle. apiax-auth runs with a shared RedisTokenStore and with its default in-memory store; peers
 * have no shared store, so each instance keeps its own session.
 */
export async function fleet(clientKinds, { quick, redisUrl }) {
  const sizes = quick ? [1, 8] : [1, 2, 4, 8];
  const contenders = [
    { name: 'apiax-auth + RedisTokenStore', kind: apiaxAuthClient, shared: true },
    ...clientKinds.map((kind) => ({ name: kind.name, kind, shared: false })),
  ];
  const rows = [];
  for (const { name, kind, shared } of contenders) {
    for (const instances of sizes) {
      rows.push({ name, instances, ...(await runFleet(kind, instances, shared ? redisUrl : null, quick ? 20 : 50)) });
    }
  }
  return rows;
}

async function runFleet(kind, instances, redisUrl, callsPerInstance) {
  const { RedisTokenStore } = redisUrl ? await import('@apiax-auth/redis') : {};
  return withSimulatedTime(async (clock) => {
    const fake = await startFakeApiax({ now: clock.now, tokenLatencyMs: 25, rotateRefreshTokens: true, bruteForce: false });
    const keyPrefix = `bench:${Math.random().toString(36).slice(2)}:`;
    const encryptionKey = randomBytes(32);
    const stores = [];
    const clients = Array.from({ length: instances }, () => {
      const store = redisUrl ? new RedisTokenStore({ url: redisUrl, keyPrefix, encryptionKey }) : undefined;
      if (store) stores.push(store);
      return kind.create({ fake, username: 'demo', password: 'demo', now: clock.now, simulatedTime: true, store });
    });
    try {
      let failed = (await Promise.all(clients.map((client) => burst(client, callsPerInstance)))).reduce((sum, r) => sum + r.failed, 0);
      const coldStart = fake.stats.tokenRequests;
      for (let cycle = 0; cycle < CYCLES; cycle += 1) {
        clock.advance(1_800 + 1);
        failed += (await Promise.all(clients.map((client) => burst(client, callsPerInstance)))).reduce((sum, r) => sum + r.failed, 0);
      }
      const stats = fake.stats;
      return {
        coldStartTokenRequests: coldStart,
        tokenRequestsPerCycle: (stats.tokenRequests - coldStart) / CYCLES,
        sessionsEnded: stats.failedRefreshes,
        failed,
      };
    } finally {
      for (const client of clients) await client.close();
      await fake.close();
    }
  });
}
