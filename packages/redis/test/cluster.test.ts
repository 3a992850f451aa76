import { randomBytes } from 'node:crypto';
import { LOGIN_REJECTION_KEY_SUFFIX } from '@apiax-auth/core';
import { startFakeApiax, type FakeApiax } from '@apiax-auth/testing';
import { Cluster } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisTokenStore } from '../src/index.js';
import { ACCOUNT, randomKey, sampleRecord } from './support/fixtures.js';
import { Fleet, type BurstResult } from './support/fleet.js';
import { startRedisCluster, type RedisCluster } from './support/redis-cluster.js';

// A real 3-master Redis Cluster on loopback (redis-server --cluster-enabled yes + redis-cli --cluster create).
const TEST_TIMEOUT_MS = 120_000;
const WAIT = { timeout: 60_000, interval: 100 };
const LOCK = { ttlMs: 5000, waitMs: 20_000 };

let cluster: RedisCluster;
let client: Cluster;
let fake: FakeApiax | undefined;
let fleet: Fleet | undefined;

beforeAll(async () => {
  cluster = await startRedisCluster();
  client = new Cluster(cluster.nodes, { enableOfflineQueue: false });
}, 60_000);
afterEach(async () => {
  await fleet?.close();
  await fake?.close();
  fleet = undefined;
  fake = undefined;
});
afterAll(async () => {
  client?.disconnect();
  await cluster?.stop();
});

function allSucceeded(burst: BurstResult, calls: number, label: string): void {
  expect({ ok: burst.ok, failures: burst.failures }, label).toEqual({ ok: calls, failures: [] });
}

describe('RedisTokenStore on a Redis Cluster', () => {
  it('keeps every key of one account in one hash slot, and spreads accounts over the shards', async () => {
    const store = new RedisTokenStore({ client, encryptionKey: randomKey() });
    const accounts = Array.from({ length: 12 }, (_, i) => `${ACCOUNT}-${i}`);
    for (const account of accounts) {
      await store.set(account, sampleRecord());
      await store.set(account + LOGIN_REJECTION_KEY_SUFFIX, { ...sampleRecord(), accessToken: 'rejection-shaped-as-token' });
      await store.withLock(account, async () => expect(await store.get(account)).toEqual(sampleRecord()), LOCK);
    }
    for (const account of accounts) {
      const keys = [`apiax-auth:{${account}}:record`, `apiax-auth:{${account}}:login-rejection`, `apiax-auth:{${account}}:lock`];
      const slots = await Promise.all(keys.map((key) => client.cluster('KEYSLOT', key)));
      expect(new Set(slots).size).toBe(1);
    }
    const sizes = await Promise.all(client.nodes('master').map((node) => node.dbsize()));
    expect(sizes.filter((size) => size > 0).length).toBeGreaterThanOrEqual(2);
    await store.close();
    expect(client.status).toBe('ready'); // a client passed in stays open
  });

  it(
    'a fleet of separate processes: one login, each refresh done once and shared, none refused',
    async () => {
      fake = await startFakeApiax({ rotateRefreshTokens: true, accessTokenLifetimeSeconds: 1800 });
      fleet = await Fleet.start({ size: 4, fake, cluster: cluster.nodes, encryptionKey: randomBytes(32).toString('base64') });
      allSucceeded(await fleet.burst(50), 200, 'cold start');
      expect(fake.stats).toMatchObject({ password: 1, refresh: 0 });
      for (let cycle = 1; cycle <= 2; cycle++) {
        await fleet.advance(1801);
        allSucceeded(await fleet.burst(50), 200, `cycle ${cycle}`);
        await vi.waitFor(() => expect(fake!.stats.refresh).toBe(cycle), WAIT);
      }
      expect(fake.stats).toMatchObject({ password: 1, refresh: 2, failedRefreshes: 0, activeSessions: 1 });
      const reports = await Promise.all(fleet.instances.map((instance) => instance.report()));
      expect(reports.flatMap((report) => report.clientLog.filter((entry) => entry.level === 'warn'))).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
