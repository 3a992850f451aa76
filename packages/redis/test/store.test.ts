import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisTokenStore } from '../src/index.js';
import { ACCOUNT, CANARY, randomKey, recordingLogger, sampleRecord } from './support/fixtures.js';
import { useRedisStores } from './support/redis-stores.js';

const LOCK = { ttlMs: 5000, waitMs: 20_000 };

const redisStores = useRedisStores();
const store = redisStores.store;

describe('RedisTokenStore with a live Redis', () => {
  it('shares records between stores (instances), and deletes them for all', async () => {
    const [a, b] = [store(), store()];
    expect(await a.get(ACCOUNT)).toBeNull();
    await a.set(ACCOUNT, sampleRecord());
    expect(await b.get(ACCOUNT)).toEqual(sampleRecord());
    const refreshed = sampleRecord(1_700_001_500_000, { accessToken: 'second' });
    await b.set(ACCOUNT, refreshed);
    expect(await a.get(ACCOUNT)).toEqual(refreshed);
    await b.delete(ACCOUNT);
    expect(await a.get(ACCOUNT)).toBeNull();
    expect(await b.get(ACCOUNT)).toBeNull();
  });

  it("names keys by account under the prefix, and lets Redis expire them with the refresh token's life", async () => {
    const s = store({ keyPrefix: 'svc-a:' });
    const at = 1_700_000_000_000;
    await s.set(ACCOUNT, sampleRecord(at, { refreshTokenExpiresAt: at + 3_600_000 }));
    expect(await redisStores.raw.keys('*')).toEqual([`svc-a:record:${ACCOUNT}`]);
    const ttl = await redisStores.raw.pttl(`svc-a:record:${ACCOUNT}`);
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
    expect(await store({ keyPrefix: 'svc-b:' }).get(ACCOUNT)).toBeNull();
  });

  it('keeps records unreadable without the key: no token substring in Redis', async () => {
    const encryptionKey = randomKey();
    const writer = store({ encryptionKey });
    await writer.set(ACCOUNT, sampleRecord());
    const value = await redisStores.raw.get(`apiax-auth:record:${ACCOUNT}`);
    expect(value).toMatch(/^v1\.gcm\./);
    for (const secret of [CANARY.accessToken, CANARY.refreshToken, 'canary']) expect(value).not.toContain(secret);
    expect(await store({ encryptionKey: encryptionKey.toString('base64') }).get(ACCOUNT)).toEqual(sampleRecord());
    const logger = recordingLogger();
    expect(await store({ encryptionKey: randomKey(), logger }).get(ACCOUNT)).toBeNull();
    expect(await store({ logger }).get(ACCOUNT)).toBeNull();
    expect(logger.at('warn').map((entry) => entry.message)).toEqual([
      'Redis token store: ignoring the stored record: it is encrypted with a key that is not in encryptionKey.',
      'Redis token store: ignoring the stored record: it is encrypted, but no encryptionKey is configured.',
    ]);
    expect(JSON.stringify(logger.entries)).not.toContain('canary');
  });

  it('rotates keys across a rolling deploy', async () => {
    const [oldKey, newKey] = [randomKey(), randomKey()];
    await store({ encryptionKey: oldKey }).set(ACCOUNT, sampleRecord());
    const rotated = store({ encryptionKey: [newKey, oldKey] });
    expect(await rotated.get(ACCOUNT)).toEqual(sampleRecord());
    await rotated.set(ACCOUNT, sampleRecord(1_700_001_000_000));
    expect(await store({ encryptionKey: newKey }).get(ACCOUNT)).toEqual(sampleRecord(1_700_001_000_000));
  });

  it('opens its connection again after close, so clients sharing one store may close it in any order', async () => {
    const shared = store();
    await shared.set(ACCOUNT, sampleRecord());
    await shared.close();
    const other = store();
    await other.set(ACCOUNT, sampleRecord(1_700_000_900_000));
    expect(await shared.get(ACCOUNT)).toEqual(sampleRecord(1_700_000_900_000));
    expect(await shared.withLock(ACCOUNT, async () => redisStores.raw.exists(`apiax-auth:lock:${ACCOUNT}`), LOCK)).toBe(1);
  });

  it('answers the newer record when two reads of one process cross on their way back', async () => {
    // Holds the replies of the store's GETs, to deliver them in the order that once lost a newer record.
    const client = new Redis(redisStores.redis.url);
    const realGet = client.get.bind(client);
    const heldReplies: Array<() => void> = [];
    let holding = false;
    (client as unknown as { get(key: string): Promise<string | null> }).get = async (key: string) => {
      const value = await realGet(key);
      if (!holding) return value;
      return new Promise((resolve) => heldReplies.push(() => resolve(value)));
    };
    try {
      const s = new RedisTokenStore({ client });
      const [older, newer] = [sampleRecord(1_700_000_000_000), sampleRecord(1_700_001_500_000, { accessToken: 'newer' })];
      await store().set(ACCOUNT, older);
      expect(await s.get(ACCOUNT)).toEqual(older);
      holding = true;
      const first = s.get(ACCOUNT);
      await expect.poll(() => heldReplies.length).toBe(1);
      await store().set(ACCOUNT, newer); // another instance renews while the first read is on its way
      const second = s.get(ACCOUNT);
      await expect.poll(() => heldReplies.length).toBe(2);
      heldReplies[0]!();
      expect(await first).toEqual(older);
      heldReplies[1]!();
      expect(await second).toEqual(newer);
      expect(await s.get(ACCOUNT)).toEqual(newer);
      await s.close();
    } finally {
      client.disconnect();
    }
  });

  it('uses a client you pass in, and leaves it open on close', async () => {
    const client = new Redis(redisStores.redis.url, { enableOfflineQueue: false });
    try {
      const s = new RedisTokenStore({ client });
      await s.set(ACCOUNT, sampleRecord());
      expect(await store().get(ACCOUNT)).toEqual(sampleRecord());
      await s.close();
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
    }
  });

  it('works with a passed-in client that has its own ioredis keyPrefix, locks included', async () => {
    const client = new Redis(redisStores.redis.url, { keyPrefix: 'tenant-1:' });
    try {
      const s = new RedisTokenStore({ client });
      await s.set(ACCOUNT, sampleRecord());
      expect(await redisStores.raw.exists(`tenant-1:apiax-auth:record:${ACCOUNT}`)).toBe(1);
      expect(await s.get(ACCOUNT)).toEqual(sampleRecord());
      const order: string[] = [];
      await Promise.all(
        ['first', 'second'].map((name) =>
          s.withLock(ACCOUNT, async () => void order.push(name), LOCK),
        ),
      );
      expect(order).toEqual(['first', 'second']);
      await s.close();
    } finally {
      client.disconnect();
    }
  });
});
