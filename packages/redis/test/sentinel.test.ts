import { randomBytes } from 'node:crypto';
import { startFakeApiax, type FakeApiax } from '@apiax-auth/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Fleet, type BurstResult } from './support/fleet.js';
import { SENTINEL_MASTER_NAME, startRedisSentinel, type RedisSentinelSetup } from './support/redis-sentinel.js';

// A real Sentinel set-up on loopback: primary, replica, three sentinels. The primary dies with SIGKILL
// mid-run; Sentinel promotes the replica; the fleet (separate processes) must not notice beyond a warning.
const TEST_TIMEOUT_MS = 120_000;
const WAIT = { timeout: 60_000, interval: 100 };

let setup: RedisSentinelSetup;
let fake: FakeApiax | undefined;
let fleet: Fleet | undefined;

beforeAll(async () => {
  setup = await startRedisSentinel();
}, 60_000);
afterEach(async () => {
  await fleet?.close();
  await fake?.close();
});
afterAll(async () => {
  await setup?.stop();
});

function allSucceeded(burst: BurstResult, calls: number, label: string): void {
  expect({ ok: burst.ok, failures: burst.failures }, label).toEqual({ ok: calls, failures: [] });
}

describe('RedisTokenStore behind Redis Sentinel', () => {
  it(
    'the primary is killed mid-run and the replica promoted: every call served, at most one extra login, no refresh refused',
    async () => {
      fake = await startFakeApiax({ rotateRefreshTokens: true, accessTokenLifetimeSeconds: 1800 });
      fleet = await Fleet.start({
        size: 4,
        fake,
        sentinel: { sentinels: setup.sentinels, name: SENTINEL_MASTER_NAME },
        encryptionKey: randomBytes(32).toString('base64'),
      });
      allSucceeded(await fleet.burst(50), 200, 'cold start');
      await fleet.advance(1801);
      allSucceeded(await fleet.burst(50), 200, 'first refresh cycle');
      await vi.waitFor(() => expect(fake!.stats.refresh).toBe(1), WAIT);

      // SIGKILL mid-run: calls keep coming while the primary is gone and Sentinel elects the replica.
      const during = fleet.burst(50);
      await setup.killPrimary();
      allSucceeded(await during, 200, 'while the primary dies');
      await vi.waitFor(async () => expect(await setup.currentPrimaryPort()).toBe(setup.replicaPort), WAIT);
      allSucceeded(await fleet.burst(50), 200, 'after the failover');

      // The fleet shares through the promoted replica: each renewal once, adopted by the others.
      for (let cycle = 2; cycle <= 3; cycle++) {
        await fleet.advance(1801);
        allSucceeded(await fleet.burst(50), 200, `cycle ${cycle}`);
        await vi.waitFor(() => expect(fake!.stats.refresh).toBeGreaterThanOrEqual(cycle), WAIT);
      }
      expect(fake.stats.password).toBeLessThanOrEqual(2); // at most one extra login
      expect(fake.stats).toMatchObject({ refresh: 3, failedRefreshes: 0, rejectedApiCalls: 0 });
    },
    TEST_TIMEOUT_MS,
  );
});
