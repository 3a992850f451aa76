import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { RedisTokenStore, type RedisTokenStoreOptions, type TokenStoreLockOptions } from '../../src/index.js';
import { gate, randomKey } from './fixtures.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

/** The key of the stores a test file creates without one of its own. */
export const STORE_KEY = randomKey();

export interface RedisStores {
  /** The file's redis-server, started before its first test. */
  readonly redis: RedisServer;
  /** A plain client, to look at what the stores wrote. */
  readonly raw: Redis;
  /** A store on the file's server, closed after the test (and the server flushed); encrypted with {@link STORE_KEY} unless told. */
  store(options?: Omit<RedisTokenStoreOptions, 'url'>): RedisTokenStore;
}

/**
 * One redis-server for a test file, and stores on it that each test leaves behind clean. Their command
 * timeout is generous: these files are about sharing and locking, not about a slow Redis (see
 * degradation.test.ts).
 */
export function useRedisStores(): RedisStores {
  let redis: RedisServer | undefined;
  let raw: Redis | undefined;
  const stores: RedisTokenStore[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
    raw = new Redis(redis.url);
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await raw?.flushall();
  });
  afterAll(async () => {
    raw?.disconnect();
    await redis?.stop();
  });
  return {
    get redis() {
      return redis!;
    },
    get raw() {
      return raw!;
    },
    store(options = {}) {
      const encryption = options.encryptionKey !== undefined || options.insecurePlaintext ? {} : { encryptionKey: STORE_KEY };
      const created = new RedisTokenStore({ url: redis!.url, commandTimeoutMs: 10_000, ...encryption, ...options });
      stores.push(created);
      return created;
    },
  };
}

export interface HeldLock {
  /** Lets the holder leave, and resolves once its `withLock` returned. */
  release(): Promise<void>;
}

/** Takes `key`'s lock through `store` and keeps it until `release()`; resolves once the holder is inside. */
export async function holdLock(
  store: RedisTokenStore,
  key: string,
  options: TokenStoreLockOptions,
  events: string[] = [],
): Promise<HeldLock> {
  const held = gate();
  const inside = gate();
  const done = store.withLock(
    key,
    async () => {
      events.push('holder in');
      inside.open();
      await held.promise;
      events.push('holder out');
    },
    options,
  );
  await Promise.race([inside.promise, done]);
  return {
    release: async () => {
      held.open();
      await done;
    },
  };
}
