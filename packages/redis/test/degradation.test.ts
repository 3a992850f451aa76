import { setTimeout as sleep } from 'node:timers/promises';
import { createApiaxAuth } from '@apiax-auth/core';
import { startFakeApiax } from '@apiax-auth/testing';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RedisTokenStore, type RedisTokenStoreOptions } from '../src/index.js';
import { ACCOUNT, recordingLogger, sampleRecord } from './support/fixtures.js';
import { startRedisServer, type RedisServer } from './support/redis-server.js';

const LOCK = { ttlMs: 5000, waitMs: 20_000 };
const WAIT = { timeout: 20_000, interval: 50 };

let redis: RedisServer;
const stores: RedisTokenStore[] = [];
const clients: Redis[] = [];

function store(options: Omit<RedisTokenStoreOptions, 'url'> = {}): RedisTokenStore {
  const created = new RedisTokenStore({ url: redis.url, ...options });
  stores.push(created);
  return created;
}

function rawClient(): Redis {
  const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  clients.push(client);
  return client;
}

beforeEach(async () => {
  redis = await startRedisServer();
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  for (const client of clients.splice(0)) client.disconnect();
  await redis.stop();
});

/** Many calls of every kind; none may throw. */
async function exercise(s: RedisTokenStore, rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await s.set(ACCOUNT, sampleRecord(1_700_000_000_000 + i));
    expect(await s.get(ACCOUNT)).toEqual(sampleRecord(1_700_000_000_000 + i));
    expect(await s.withLock(ACCOUNT, async () => i, LOCK)).toBe(i);
  }
}

describe('RedisTokenStore when Redis fails', () => {
  it('keeps serving from this process while Redis is down, with ONE warning, then shares again', async () => {
    const logger = recordingLogger();
    const [a, b] = [store({ logger }), store()];
    await a.set(ACCOUNT, sampleRecord());
    expect(await b.get(ACCOUNT)).toEqual(sampleRecord());

    await redis.stop();
    await exercise(a, 10);
    expect(logger.at('warn')).toHaveLength(1);
    expect(logger.at('warn')[0]?.message).toMatch(/Redis is unavailable/);
    expect(JSON.stringify(logger.entries)).not.toContain('canary');

    await redis.start();
    // The restarted Redis is empty: the next call that reaches it puts back what this process knows.
    await vi.waitFor(async () => {
      expect(await b.get(ACCOUNT)).toEqual(sampleRecord(1_700_000_000_009));
    }, WAIT);
    await b.set(ACCOUNT, sampleRecord(1_700_000_500_000));
    expect(await a.get(ACCOUNT)).toEqual(sampleRecord(1_700_000_500_000));
    expect(logger.at('warn')).toHaveLength(1);
    expect(logger.at('info').map((entry) => entry.message)).toEqual([
      'Redis token store: Redis is back; instances share tokens and locks again.',
    ]);
  });

  it('falls back to a local lock: one holder at a time in this process while Redis is down', async () => {
    const s = store({ logger: recordingLogger() });
    await s.get(ACCOUNT); // connected once
    await redis.stop();
    let inside = 0;
    let mostInside = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        s.withLock(
          ACCOUNT,
          async () => {
            inside += 1;
            mostInside = Math.max(mostInside, inside);
            await sleep(5);
            inside -= 1;
          },
          LOCK,
        ),
      ),
    );
    expect(mostInside).toBe(1);
  });

  it('answers within its command timeout when Redis hangs, and recovers when it answers again', async () => {
    const logger = recordingLogger();
    const s = store({ logger, commandTimeoutMs: 300 });
    await s.set(ACCOUNT, sampleRecord());
    redis.freeze();
    try {
      const started = Date.now();
      for (let i = 0; i < 5; i++) {
        expect(await s.get(ACCOUNT)).toEqual(sampleRecord());
        await s.withLock(ACCOUNT, async () => {}, LOCK);
      }
      // Bounded, not timed: ten calls against a hung server must not each wait for a TCP timeout.
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(logger.at('warn')).toHaveLength(1);
    } finally {
      redis.thaw();
    }
    const other = store();
    await vi.waitFor(async () => {
      await s.set(ACCOUNT, sampleRecord(1_700_000_100_000));
      expect(await other.get(ACCOUNT)).toEqual(sampleRecord(1_700_000_100_000));
    }, WAIT);
    expect(logger.at('info')).toHaveLength(1);
  });

  it('does not mistake a stall of its own event loop for a slow Redis', async () => {
    const logger = recordingLogger();
    const s = store({ logger, commandTimeoutMs: 100 });
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
    expect(logger.entries).toEqual([]);
  });

  it('starts without Redis, then writes what it got meanwhile once Redis appears', async () => {
    await redis.stop();
    const logger = recordingLogger();
    const s = store({ logger });
    expect(await s.get(ACCOUNT)).toBeNull();
    await s.set(ACCOUNT, sampleRecord());
    expect(await s.get(ACCOUNT)).toEqual(sampleRecord());
    expect(logger.at('warn')).toHaveLength(1);
    await redis.start();
    const other = store();
    await vi.waitFor(async () => {
      expect(await other.get(ACCOUNT)).toEqual(sampleRecord());
    }, WAIT);
  });

  it('after a Redis restart, puts its copy back once instead of forgetting the session', async () => {
    const [a, b] = [store(), store()];
    await a.set(ACCOUNT, sampleRecord());
    expect(await b.get(ACCOUNT)).toEqual(sampleRecord());
    await redis.restart();
    // Both copies were confirmed before the restart: whichever reaches Redis first restores, the other adopts.
    await vi.waitFor(async () => {
      expect(await b.get(ACCOUNT)).toEqual(sampleRecord());
      expect(await a.get(ACCOUNT)).toEqual(sampleRecord());
      expect(await rawClient().get(`apiax-auth:{${ACCOUNT}}:record`)).toMatch(/^v1\.plain\./);
    }, WAIT);
  });

  it('forgets a record that another instance deleted while Redis stayed up', async () => {
    const [a, b] = [store(), store()];
    await a.set(ACCOUNT, sampleRecord());
    expect(await b.get(ACCOUNT)).toEqual(sampleRecord());
    await a.delete(ACCOUNT);
    expect(await b.get(ACCOUNT)).toBeNull();
    expect(await rawClient().exists(`apiax-auth:{${ACCOUNT}}:record`)).toBe(0);
  });

  it('prefers the newer record it wrote while Redis was away over an older one Redis still holds', async () => {
    const [a, b] = [store(), store()];
    await a.set(ACCOUNT, sampleRecord(1_700_000_000_000));
    expect(await b.get(ACCOUNT)).toEqual(sampleRecord(1_700_000_000_000));
    // b loses Redis (a network partition, here: a hung server) and refreshes on its own meanwhile.
    redis.freeze();
    try {
      await b.set(ACCOUNT, sampleRecord(1_700_001_000_000));
    } finally {
      redis.thaw();
    }
    await vi.waitFor(async () => {
      expect(await a.get(ACCOUNT)).toEqual(sampleRecord(1_700_001_000_000));
    }, WAIT);
  });

  it('keeps one login for the clients of one process while Redis is down (local single flight)', async () => {
    const fake = await startFakeApiax();
    const logger = recordingLogger();
    const shared = store({ logger, commandTimeoutMs: 500 });
    const clients = Array.from({ length: 3 }, () => createApiaxAuth({ env: fake.env, store: shared }));
    try {
      await redis.stop();
      const tokens = await Promise.all(clients.flatMap((client) => Array.from({ length: 20 }, () => client.getAccessToken())));
      expect(new Set(tokens).size).toBe(1);
      expect(fake.stats).toMatchObject({ password: 1, refresh: 0 });
      expect(logger.at('warn').map((entry) => entry.message)).toEqual([expect.stringMatching(/Redis is unavailable/)]);
      expect(JSON.stringify(logger.entries)).not.toContain(tokens[0]!.slice(0, 24));
    } finally {
      await Promise.all(clients.map((client) => client.close()));
      await fake.close();
    }
  });

  it('keeps the Redis password out of its warning', async () => {
    const password = 'redis-password-canary-4b7d';
    const logger = recordingLogger();
    await redis.stop(); // nothing listens on its port now
    const s = new RedisTokenStore({ url: `redis://user:${password}@127.0.0.1:${redis.port}`, logger, commandTimeoutMs: 300 });
    stores.push(s);
    expect(await s.get(ACCOUNT)).toBeNull();
    expect(logger.at('warn')).toHaveLength(1);
    expect(JSON.stringify(logger.entries)).not.toContain(password);
  });
});
