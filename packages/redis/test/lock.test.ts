import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisTokenStore, type RedisTokenStoreOptions } from '../src/index.js';
import { LOCK_SCRIPTS, type LockCommands } from '../src/lock-scripts.js';
import { gate, recordingLogger } from './support/fixtures.js';
import { startRedisServer, type RedisServer } from './support/redis-server.js';

const ACCOUNT = 'http://127.0.0.1:4000/auth/realms/apiax|integration-api|demo';
const LOCK_KEY = `apiax-auth:lock:${ACCOUNT}`;
const LOCK = { ttlMs: 5000, waitMs: 20_000 };

let redis: RedisServer;
let raw: Redis;
const stores: RedisTokenStore[] = [];

function store(options: Omit<RedisTokenStoreOptions, 'url'> = {}): RedisTokenStore {
  // Generous: these tests are about sharing and locking, not about a slow Redis (see degradation.test.ts).
  const created = new RedisTokenStore({ url: redis.url, commandTimeoutMs: 10_000, ...options });
  stores.push(created);
  return created;
}

beforeAll(async () => {
  redis = await startRedisServer();
  raw = new Redis(redis.url);
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await raw.flushall();
});
afterAll(async () => {
  raw.disconnect();
  await redis.stop();
});

describe('RedisTokenStore.withLock', () => {
  it('lets one holder at a time in, across stores with their own connections, and returns its value', async () => {
    const fleet = [store(), store(), store(), store()];
    let inside = 0;
    let mostInside = 0;
    let runs = 0;
    const results = await Promise.all(
      fleet.flatMap((s, instance) =>
        Array.from({ length: 5 }, (_, call) =>
          s.withLock(
            ACCOUNT,
            async () => {
              inside += 1;
              mostInside = Math.max(mostInside, inside);
              await sleep(Math.random() * 10);
              inside -= 1;
              runs += 1;
              return `${instance}.${call}`;
            },
            LOCK,
          ),
        ),
      ),
    );
    expect(mostInside).toBe(1);
    expect(runs).toBe(20);
    expect(new Set(results).size).toBe(20);
    expect(await raw.exists(LOCK_KEY)).toBe(0);
  });

  it('holds the lock in Redis with a random owner and an expiry, and announces its release', async () => {
    const subscriber = new Redis(redis.url);
    const released: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => released.push(message));
    await subscriber.subscribe('apiax-auth:lock-released');
    try {
      const owners: string[] = [];
      for (let i = 0; i < 2; i++) {
        await store().withLock(
          ACCOUNT,
          async () => {
            owners.push((await raw.get(LOCK_KEY)) ?? '');
            const ttl = await raw.pttl(LOCK_KEY);
            expect(ttl).toBeGreaterThan(0);
            expect(ttl).toBeLessThanOrEqual(LOCK.ttlMs);
          },
          LOCK,
        );
      }
      expect(owners[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(owners[1]).not.toBe(owners[0]);
      await expect.poll(() => released).toEqual([LOCK_KEY, LOCK_KEY]);
    } finally {
      subscriber.disconnect();
    }
  });

  it('wakes a waiter when the holder releases, and the waiter goes in after the holder left', async () => {
    const [holder, waiter] = [store(), store()];
    const held = gate();
    const events: string[] = [];
    let entered!: () => void;
    const holderInside = new Promise<void>((resolve) => (entered = resolve));
    const first = holder.withLock(
      ACCOUNT,
      async () => {
        events.push('holder in');
        entered();
        await held.promise;
        events.push('holder out');
      },
      LOCK,
    );
    await holderInside;
    const second = waiter.withLock(ACCOUNT, async () => void events.push('waiter in'), LOCK);
    await sleep(300);
    expect(events).toEqual(['holder in']);
    held.open();
    await Promise.all([first, second]);
    expect(events).toEqual(['holder in', 'holder out', 'waiter in']);
  });

  it('takes over a lock whose holder died once it expires, without a warning', async () => {
    // What a killed holder leaves behind: a lock nobody will release or extend.
    await raw.set(LOCK_KEY, 'dead-holder', 'PX', 1500);
    const logger = recordingLogger();
    let ownerSeenInside: string | null = 'dead-holder';
    await store({ logger }).withLock(ACCOUNT, async () => void (ownerSeenInside = await raw.get(LOCK_KEY)), LOCK);
    expect(ownerSeenInside).not.toBe('dead-holder');
    expect(ownerSeenInside).not.toBeNull();
    expect(logger.at('warn')).toEqual([]);
  });

  it('renews its lease while a long critical section runs, so nobody else enters', async () => {
    const [slow, other] = [store({ lockLeaseMs: 600 }), store({ lockLeaseMs: 600 })];
    const events: string[] = [];
    let ttlAfterFirstLease = 0;
    let entered!: () => void;
    const slowInside = new Promise<void>((resolve) => (entered = resolve));
    const first = slow.withLock(
      ACCOUNT,
      async () => {
        events.push('slow in');
        entered();
        await sleep(2500);
        ttlAfterFirstLease = await raw.pttl(LOCK_KEY);
        events.push('slow out');
      },
      LOCK,
    );
    await slowInside;
    const second = other.withLock(ACCOUNT, async () => void events.push('other in'), LOCK);
    await Promise.all([first, second]);
    expect(ttlAfterFirstLease).toBeGreaterThan(0);
    expect(ttlAfterFirstLease).toBeLessThanOrEqual(600);
    expect(events).toEqual(['slow in', 'slow out', 'other in']);
  });

  it('holds the lock no longer than ttlMs, even for a holder that is still working', async () => {
    const held = gate();
    let entered!: () => void;
    const holderInside = new Promise<void>((resolve) => (entered = resolve));
    const holder = store({ lockLeaseMs: 300 }).withLock(
      ACCOUNT,
      async () => {
        entered();
        await held.promise;
      },
      { ttlMs: 1000, waitMs: 20_000 },
    );
    await holderInside;
    await expect(store().withLock(ACCOUNT, async () => 'entered', LOCK)).resolves.toBe('entered');
    held.open();
    await holder;
  });

  it('goes ahead without the lock after waitMs, with a warning, rather than fail', async () => {
    const held = gate();
    const logger = recordingLogger();
    let entered!: () => void;
    const holderInside = new Promise<void>((resolve) => (entered = resolve));
    const holder = store().withLock(
      ACCOUNT,
      async () => {
        entered();
        await held.promise;
      },
      LOCK,
    );
    await holderInside;
    const result = await store({ logger }).withLock(ACCOUNT, async () => 'ran anyway', { ttlMs: 5000, waitMs: 300 });
    expect(result).toBe('ran anyway');
    expect(logger.at('warn').map((entry) => entry.message)).toEqual([
      'Redis token store: waited 300 ms for another instance to finish a grant; going ahead without the lock.',
    ]);
    held.open();
    await holder;
  });

  it('serialises callers in one process before Redis, and applies waitMs to them too', async () => {
    const s = store({ logger: recordingLogger() });
    const held = gate();
    let entered!: () => void;
    const holderInside = new Promise<void>((resolve) => (entered = resolve));
    const holder = s.withLock(
      ACCOUNT,
      async () => {
        entered();
        await held.promise;
      },
      LOCK,
    );
    await holderInside;
    await expect(s.withLock(ACCOUNT, async () => 'late', { ttlMs: 5000, waitMs: 200 })).resolves.toBe('late');
    held.open();
    await holder;
  });

  it('releases the lock when the critical section throws, and passes the error on', async () => {
    const failure = new Error('grant failed');
    await expect(store().withLock(ACCOUNT, async () => Promise.reject(failure), LOCK)).rejects.toBe(failure);
    expect(await raw.exists(LOCK_KEY)).toBe(0);
  });

  it('stops waiting when the signal aborts, leaving the holder alone', async () => {
    const held = gate();
    let entered!: () => void;
    const holderInside = new Promise<void>((resolve) => (entered = resolve));
    const holder = store().withLock(
      ACCOUNT,
      async () => {
        entered();
        await held.promise;
        return 'holder done';
      },
      LOCK,
    );
    await holderInside;
    const controller = new AbortController();
    let ran = false;
    const waiting = store().withLock(ACCOUNT, async () => void (ran = true), { ...LOCK, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('client closed')), 200);
    await expect(waiting).rejects.toThrow('client closed');
    expect(ran).toBe(false);
    expect(await raw.exists(LOCK_KEY)).toBe(1);
    held.open();
    await expect(holder).resolves.toBe('holder done');
  });
});

describe('lock scripts', () => {
  it('release and extend only what the caller owns', async () => {
    const client = new Redis(redis.url) as Redis & LockCommands;
    try {
      for (const [name, script] of Object.entries(LOCK_SCRIPTS)) client.defineCommand(name, script);
      await raw.set(LOCK_KEY, 'owner-x', 'PX', 5000);
      expect(await client.apiaxAuthReleaseLock(LOCK_KEY, 'owner-y', 'channel', LOCK_KEY)).toBe(0);
      expect(await client.apiaxAuthExtendLock(LOCK_KEY, 'owner-y', 60_000)).toBe(0);
      expect(await raw.pttl(LOCK_KEY)).toBeLessThanOrEqual(5000);
      expect(await client.apiaxAuthExtendLock(LOCK_KEY, 'owner-x', 60_000)).toBe(1);
      expect(await raw.pttl(LOCK_KEY)).toBeGreaterThan(5000);
      expect(await client.apiaxAuthReleaseLock(LOCK_KEY, 'owner-x', 'channel', LOCK_KEY)).toBe(1);
      expect(await raw.exists(LOCK_KEY)).toBe(0);
    } finally {
      client.disconnect();
    }
  });
});
