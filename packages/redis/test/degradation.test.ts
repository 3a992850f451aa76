import { createApiaxAuth } from '@apiax-auth/core';
import { startFakeApiax } from '@apiax-auth/testing';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RedisTokenStore, type RedisTokenStoreOptions } from '../src/index.js';
import { ACCOUNT, randomKey, recordingLogger, sampleRecord } from './support/fixtures.js';
import { startRedisServer, type RedisServer } from './support/redis-server.js';

// Core owns a failing store (see core's store.ts): the store's promise is to reject promptly, naming the
// cause, keeping nothing of its own; core's promise, checked end to end below, is that no call fails.
const LOCK = { ttlMs: 5000, waitMs: 20_000 };
const WAIT = { timeout: 20_000, interval: 50 };
const KEY = randomKey();

let redis: RedisServer;
const stores: RedisTokenStore[] = [];

function store(options: Omit<RedisTokenStoreOptions, 'url'> = {}): RedisTokenStore {
  const created = new RedisTokenStore({ url: redis.url, encryptionKey: KEY, ...options });
  stores.push(created);
  return created;
}

beforeEach(async () => {
  redis = await startRedisServer();
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await redis.stop();
});

describe('RedisTokenStore when Redis fails', () => {
  it('rejects every call at once while Redis is down, naming the cause, and answers again once it is back', async () => {
    const s = store();
    await s.set(ACCOUNT, sampleRecord());
    await redis.stop();
    await vi.waitFor(() => expect(s.get(ACCOUNT)).rejects.toThrow('Redis is unavailable (connection refused)'), WAIT);
    const started = performance.now();
    for (let i = 0; i < 20; i++) {
      await expect(s.get(ACCOUNT)).rejects.toMatchObject({ name: 'RedisUnavailableError' });
      await expect(s.set(ACCOUNT, sampleRecord(1_700_000_000_001))).rejects.toThrow(/connection refused/);
    }
    // A count, not a timing assertion: 40 calls that each waited a connection timeout would take a minute.
    expect(performance.now() - started).toBeLessThan(20 * 2000);
    await redis.start();
    await vi.waitFor(async () => {
      await s.set(ACCOUNT, sampleRecord(1_700_000_500_000));
      expect(await store().get(ACCOUNT)).toEqual(sampleRecord(1_700_000_500_000));
    }, WAIT);
  });

  it('keeps no copy of its own: after a restart that lost the data, it answers none', async () => {
    const s = store();
    await s.set(ACCOUNT, sampleRecord());
    await redis.restart();
    await vi.waitFor(async () => expect(await s.get(ACCOUNT)).toBeNull(), WAIT);
  });

  it('rejects with "timed out" within its command timeout when Redis hangs', async () => {
    const s = store({ commandTimeoutMs: 300 });
    await s.set(ACCOUNT, sampleRecord());
    redis.freeze();
    try {
      await expect(s.get(ACCOUNT)).rejects.toThrow('Redis is unavailable (Redis command timed out after 300 ms)');
      let ran = false;
      await expect(s.withLock(ACCOUNT, async () => void (ran = true), LOCK)).rejects.toThrow(/timed out after 300 ms/);
      expect(ran).toBe(false); // core renews on its own when the lock cannot even be asked for
    } finally {
      redis.thaw();
    }
    await vi.waitFor(async () => expect(await s.get(ACCOUNT)).toEqual(sampleRecord()), WAIT);
  });

  it('does not mistake a stall of its own event loop for a slow Redis', async () => {
    const s = store({ commandTimeoutMs: 100 });
    await s.set(ACCOUNT, sampleRecord());
    for (let i = 0; i < 5; i++) {
      const reading = s.get(ACCOUNT);
      // Block this process for 5× the timeout right after the command went out: its answer is waiting in the
      // socket when the timer fires, and must win.
      setImmediate(() => {
        const until = Date.now() + 500;
        while (Date.now() < until);
      });
      expect(await reading).toEqual(sampleRecord());
    }
  });

  it('rejects when Redis is not there at startup, and works once it appears', async () => {
    await redis.stop();
    const s = store({ commandTimeoutMs: 500 });
    await expect(s.get(ACCOUNT)).rejects.toThrow(/connection refused/);
    await redis.start();
    await vi.waitFor(async () => {
      await s.set(ACCOUNT, sampleRecord());
      expect(await store().get(ACCOUNT)).toEqual(sampleRecord());
    }, WAIT);
  });

  it('keeps the Redis password out of its errors', async () => {
    const password = 'redis-password-canary-4b7d';
    await redis.stop(); // nothing listens on its port now
    const s = new RedisTokenStore({ url: `redis://user:${password}@127.0.0.1:${redis.port}`, encryptionKey: KEY, commandTimeoutMs: 300 });
    stores.push(s);
    const error = await s.get(ACCOUNT).catch((thrown: unknown) => thrown as Error);
    expect(error).toBeInstanceOf(Error);
    expect(JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack })).not.toContain(password);
    expect((error as Error).message).toMatch(/connection refused/);
  });
});

describe('core on a failing RedisTokenStore', () => {
  it('fails no call when Redis dies and restarts empty, and the fleet shares one session again', async () => {
    const fake = await startFakeApiax({ rotateRefreshTokens: true });
    const raw = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    raw.on('error', () => {});
    const logger = recordingLogger();
    // Two instances: each with its own client and its own store (own connections).
    const clients = [0, 1].map(() => createApiaxAuth({ env: fake.env, store: store({ commandTimeoutMs: 500 }), logger }));
    const callAll = async (forceRefresh = false): Promise<string[]> =>
      Promise.all(clients.flatMap((client) => Array.from({ length: 10 }, () => client.getAccessToken({ forceRefresh }))));
    try {
      expect(new Set(await callAll()).size).toBe(1);
      expect(fake.stats).toMatchObject({ password: 1 });

      await redis.stop();
      expect((await callAll()).length).toBe(20); // served from core's own copy
      await Promise.all(clients.map((client) => client.getAccessToken({ forceRefresh: true }))); // renewals while Redis is down
      expect(logger.at('warn').map((entry) => entry.message)).toContainEqual(
        expect.stringMatching(/token store failed; continuing with the local copy only/),
      );

      await redis.start(); // empty: it lost the record
      await vi.waitFor(async () => {
        await clients[0]!.getAccessToken({ forceRefresh: true });
        // The renewal wrote the fleet's record back into the empty Redis.
        expect(await raw.keys('apiax-auth:{*}:record')).toHaveLength(1);
      }, WAIT);
      const after = await callAll(true);
      expect(after).toHaveLength(20);
      expect(JSON.stringify(logger.entries)).not.toContain(after[0]!.slice(0, 24));
    } finally {
      await Promise.all(clients.map((client) => client.close()));
      await fake.close();
      raw.disconnect();
    }
  });
});
