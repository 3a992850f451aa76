import { randomBytes } from 'node:crypto';
import { parseTokenRecord } from '@apiax-auth/core';
import { startFakeApiax, type FakeApiax } from '@apiax-auth/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisTokenStore } from '../src/index.js';
import { Fleet, type BurstResult } from './support/fleet.js';
import { startRedisServer, type RedisServer } from './support/redis-server.js';

// Real processes on a shared 2-core machine: generous limits, never timing assertions on the happy path.
const FLEET_TEST_TIMEOUT_MS = 240_000;
const WAIT = { timeout: 60_000, interval: 100 };
const TOKEN_LIFETIME_S = 1800;
/** Past the access token's expiry: every instance must wait for a new token. */
const PAST_EXPIRY_S = TOKEN_LIFETIME_S + 1;
/** Inside the refresh window (5 min before expiry) but still usable: instances refresh in the background. */
const INTO_REFRESH_WINDOW_S = TOKEN_LIFETIME_S - 120;

let redis: RedisServer;
let raw: Redis;
let fake: FakeApiax | undefined;
let fleet: Fleet | undefined;

beforeAll(async () => {
  redis = await startRedisServer();
  raw = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  raw.on('error', () => {});
});
afterEach(async () => {
  await fleet?.close();
  await fake?.close();
  fleet = undefined;
  fake = undefined;
  await redis.start().catch(() => {}); // a test may have left it stopped
  await raw.flushall();
});
afterAll(async () => {
  raw.disconnect();
  await redis.stop();
});

async function startFleet(size: number, encryptionKey?: string): Promise<Fleet> {
  fake = await startFakeApiax({ rotateRefreshTokens: true, accessTokenLifetimeSeconds: TOKEN_LIFETIME_S });
  fleet = await Fleet.start({ size, fake, redisUrl: redis.url, encryptionKey: encryptionKey ?? randomBytes(32).toString('base64') });
  return fleet;
}

/** Every call of the burst succeeded; on failure, the message shows how the calls failed. */
function allSucceeded(burst: BurstResult, calls: number, label = 'burst'): void {
  expect({ ok: burst.ok, failures: burst.failures }, label).toEqual({ ok: calls, failures: [] });
}

function sessionIntact(current: FakeApiax): void {
  expect(current.stats).toMatchObject({ failedLogins: 0, failedRefreshes: 0, logouts: 0, activeSessions: 1, rejectedApiCalls: 0 });
}

/** Resolves once every instance of the fleet uses a token that expires at the same instant. */
async function fleetAgrees(current: Fleet): Promise<void> {
  await vi.waitFor(async () => {
    const reports = await Promise.all(current.live().map((instance) => instance.report()));
    const expiries = reports.map((report) => report.status.accessTokenExpiresAt);
    // On failure, what each instance did: its grants and what it logged (no secret in either).
    const story = reports.map((report) => ({
      grants: report.status.grants,
      log: [...report.storeLog, ...report.clientLog].map((entry) => entry.message),
    }));
    expect(new Set(expiries).size, JSON.stringify(story)).toBe(1);
  }, WAIT);
}

async function connectedClients(): Promise<number> {
  const list = await raw.client('LIST');
  return String(list).trim().split('\n').length - 1; // minus this test's own connection
}

describe('a fleet of real processes sharing a RedisTokenStore', () => {
  it(
    '8 instances × 200 concurrent calls: one login at cold start and one refresh per cycle, session never ended',
    async () => {
      const encryptionKey = randomBytes(32).toString('base64');
      const current = await startFleet(8, encryptionKey);
      const currentFake = fake!;

      allSucceeded(await current.burst(200), 1600, 'cold start');
      expect(currentFake.stats).toMatchObject({ password: 1, refresh: 0 });

      const cycles = [PAST_EXPIRY_S, INTO_REFRESH_WINDOW_S, PAST_EXPIRY_S];
      for (const [index, seconds] of cycles.entries()) {
        await current.advance(seconds);
        allSucceeded(await current.burst(200), 1600, `cycle ${index + 1}`);
        // In the refresh window, the calls are served by the old token while the refresh runs in the background.
        await vi.waitFor(() => expect(currentFake.stats.refresh).toBe(index + 1), WAIT);
        await fleetAgrees(current);
        expect(currentFake.stats, `cycle ${index + 1}`).toMatchObject({ password: 1, refresh: index + 1 });
      }
      sessionIntact(currentFake);
      expect(currentFake.stats.maxConcurrentRefreshes).toBe(1);
      const reports = await Promise.all(current.instances.map((instance) => instance.report()));
      const grants = reports.map((report) => report.status.grants);
      expect(grants.reduce((sum, g) => sum + g.password, 0)).toBe(1);
      expect(grants.reduce((sum, g) => sum + g.refresh, 0)).toBe(3);
      expect(reports.flatMap((report) => report.storeLog.filter((entry) => entry.level === 'warn'))).toEqual([]);

      // At rest the record is ciphertext: no token substring, for anyone reading Redis without the key.
      const keys = await raw.keys('apiax-auth:{*}:record');
      expect(keys).toHaveLength(1);
      const storedValue = (await raw.get(keys[0]!)) ?? '';
      const accountKey = keys[0]!.slice('apiax-auth:{'.length, -'}:record'.length);
      const reader = new RedisTokenStore({ url: redis.url, encryptionKey });
      const record = parseTokenRecord(await reader.get(accountKey));
      await reader.close();
      expect(record).not.toBeNull();
      for (const secret of [record!.accessToken, record!.refreshToken!]) {
        for (let start = 0; start + 12 <= secret.length; start += 12) {
          expect(storedValue).not.toContain(secret.slice(start, start + 12));
        }
      }
      // No JWT header and no plaintext record field. (A bare 'eyJ' would be a false alarm: three base64url
      // characters turn up by chance in about one ciphertext in a hundred.)
      expect(storedValue).not.toContain('eyJhbGciOi');
      expect(storedValue).not.toContain('accessToken');
      // Nor do the logs of the store or the client hold a token.
      const logs = JSON.stringify(reports.map((report) => [report.storeLog, report.clientLog]));
      for (const secret of [record!.accessToken, record!.refreshToken!]) expect(logs).not.toContain(secret.slice(0, 24));
    },
    FLEET_TEST_TIMEOUT_MS,
  );

  it(
    'a lock holder killed mid-refresh: another instance takes over once its lease runs out, well within the lock ttl',
    async () => {
      const current = await startFleet(4);
      const currentFake = fake!;
      allSucceeded(await current.burst(20), 80);
      expect(currentFake.stats).toMatchObject({ password: 1, refresh: 0 });

      await current.advance(PAST_EXPIRY_S);
      // Its refresh hangs at the token endpoint (longer than this test), so it dies holding the lock.
      currentFake.fail({ type: 'delay', ms: 600_000 });
      const [victim, ...survivors] = current.instances;
      const requestsBefore = currentFake.stats.tokenRequests;
      void victim!.request('token').catch(() => {});
      await vi.waitFor(async () => {
        expect(currentFake.stats.tokenRequests).toBe(requestsBefore + 1);
        expect(await raw.keys('apiax-auth:{*}:lock')).toHaveLength(1);
      }, WAIT);
      const killedAt = Date.now();
      await current.kill(victim!);

      const burst = await current.burst(100, survivors);
      const takeoverMs = Date.now() - killedAt;
      allSucceeded(burst, 300, 'survivors');
      // One refresh (by a survivor) after the kill; the dead holder's request never reached the grant.
      expect(currentFake.stats).toMatchObject({ password: 1, refresh: 1 });
      sessionIntact(currentFake);
      // The lease (10 s) is what a dead holder costs, not the lock's ttl (the client's grant budget, ~171 s).
      expect(takeoverMs).toBeLessThan(90_000);
    },
    FLEET_TEST_TIMEOUT_MS,
  );

  it(
    'Redis restarted mid-run, twice: no call fails, core warns once per outage, and the fleet shares again',
    async () => {
      const size = 4;
      const current = await startFleet(size);
      const currentFake = fake!;
      allSucceeded(await current.burst(50), 200);
      const waitForReconnections = () => vi.waitFor(async () => expect(await connectedClients()).toBeGreaterThanOrEqual(2 * size), WAIT);
      await waitForReconnections(); // each instance: one connection for commands, one for lock notifications

      // 1. Redis restarts (empty) while tokens are valid: nothing is lost, the next cycle is one refresh.
      await redis.stop();
      allSucceeded(await current.burst(50), 200);
      await redis.start();
      await waitForReconnections();
      await current.advance(PAST_EXPIRY_S);
      allSucceeded(await current.burst(50), 200);
      expect(currentFake.stats).toMatchObject({ password: 1, refresh: 1 });
      sessionIntact(currentFake);

      // 2. Redis is down through a whole refresh cycle: instances renew on their own (with rotation they
      // may end each other's sessions and log in again), but no call fails.
      await redis.stop();
      await current.advance(PAST_EXPIRY_S);
      allSucceeded(await current.burst(50), 200);
      await redis.start();
      await waitForReconnections();
      await current.advance(PAST_EXPIRY_S);
      allSucceeded(await current.burst(50), 200);

      // Back to sharing: the fleet converged on one session, and the next cycle is one refresh again.
      await fleetAgrees(current);
      currentFake.resetStats();
      await current.advance(PAST_EXPIRY_S);
      allSucceeded(await current.burst(50), 200);
      expect(currentFake.stats).toMatchObject({ password: 0, refresh: 1, failedRefreshes: 0, rejectedApiCalls: 0 });

      // Core owns the failing store: per instance one warning per outage it noticed (the first outage
      // passed unnoticed: the tokens were valid, no store call), one info when the store answered again.
      for (const instance of current.instances) {
        const { storeLog, clientLog } = await instance.report();
        expect(storeLog.filter((entry) => entry.level === 'warn')).toEqual([]);
        const messages = clientLog.map((entry) => entry.message);
        expect(messages.filter((message) => /token store failed/.test(message))).toHaveLength(1);
        expect(messages.filter((message) => /token store recovered/.test(message))).toHaveLength(1);
        expect(JSON.stringify(clientLog)).not.toMatch(/redis:\/\//);
      }
    },
    FLEET_TEST_TIMEOUT_MS,
  );
});
