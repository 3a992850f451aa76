import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { LOGIN_REJECTION_KEY_SUFFIX, type LoginRejectionRecord } from '@apiax-auth/core';
import { RedisTokenStore } from '../src/index.js';
import { ACCOUNT, CANARY, randomKey, recordingLogger, sampleRecord } from './support/fixtures.js';
import { STORE_KEY, useRedisStores } from './support/redis-stores.js';

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
    expect(await redisStores.raw.keys('*')).toEqual([`svc-a:{${ACCOUNT}}:record`]);
    const ttl = await redisStores.raw.pttl(`svc-a:{${ACCOUNT}}:record`);
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
    expect(await store({ keyPrefix: 'svc-b:' }).get(ACCOUNT)).toBeNull();
  });

  it('keeps records unreadable without the key: no token substring in Redis', async () => {
    const encryptionKey = randomKey();
    const writer = store({ encryptionKey });
    await writer.set(ACCOUNT, sampleRecord());
    const value = await redisStores.raw.get(`apiax-auth:{${ACCOUNT}}:record`);
    expect(value).toMatch(/^1700000000000\|v1\.gcm\./);
    for (const secret of [CANARY.accessToken, CANARY.refreshToken, 'canary']) expect(value).not.toContain(secret);
    expect(await store({ encryptionKey: encryptionKey.toString('base64') }).get(ACCOUNT)).toEqual(sampleRecord());
    const logger = recordingLogger();
    expect(await store({ encryptionKey: randomKey(), logger }).get(ACCOUNT)).toBeNull();
    const plaintextLogger = recordingLogger();
    expect(await store({ insecurePlaintext: true, logger: plaintextLogger }).get(ACCOUNT)).toBeNull();
    logger.entries.push(...plaintextLogger.entries.slice(1)); // after its one warning about plaintext itself
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
    expect(await shared.withLock(ACCOUNT, async () => redisStores.raw.exists(`apiax-auth:{${ACCOUNT}}:lock`), LOCK)).toBe(1);
  });

  it('uses a client you pass in, and leaves it open on close', async () => {
    const client = new Redis(redisStores.redis.url, { enableOfflineQueue: false });
    try {
      const s = new RedisTokenStore({ client, encryptionKey: STORE_KEY });
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
      const s = new RedisTokenStore({ client, encryptionKey: STORE_KEY });
      await s.set(ACCOUNT, sampleRecord());
      expect(await redisStores.raw.exists(`tenant-1:apiax-auth:{${ACCOUNT}}:record`)).toBe(1);
      expect(await s.get(ACCOUNT)).toEqual(sampleRecord());
      const order: string[] = [];
      await Promise.all(['first', 'second'].map((name) => s.withLock(ACCOUNT, async () => void order.push(name), LOCK)));
      expect(order).toEqual(['first', 'second']);
      await s.close();
    } finally {
      client.disconnect();
    }
  });

  it('is a compare-and-set on obtainedAt: an older record never replaces a newer one', async () => {
    const [a, b] = [store(), store()];
    const newer = sampleRecord(1_700_001_500_000, { accessToken: 'newer' });
    await a.set(ACCOUNT, newer);
    await b.set(ACCOUNT, sampleRecord()); // a write-back of an older copy, after an outage
    expect(await a.get(ACCOUNT)).toEqual(newer);
    // Two write-backs at once leave the newer one, whatever the order they land in.
    await b.delete(ACCOUNT);
    const records = Array.from({ length: 20 }, (_, i) => sampleRecord(1_700_000_000_000 + i * 1000, { accessToken: `t${i}` }));
    await Promise.all(records.map((record, i) => (i % 2 === 0 ? a : b).set(ACCOUNT, record)));
    expect(await b.get(ACCOUNT)).toEqual(records[19]);
  });

  it("keeps a login rejection as it is given, beside the account's record and in its hash slot", async () => {
    const s = store();
    const rejection: LoginRejectionRecord = {
      kind: 'login-rejection',
      obtainedAt: 1_700_000_000_000,
      rejections: 2,
      retryAt: 1_700_000_060_000,
      code: 'invalid_credentials',
      status: 401,
      oauthError: 'invalid_grant',
      credentialSalt: 'c2FsdA',
      credentialTag: 'dGFn',
    };
    const rejectionKey = ACCOUNT + LOGIN_REJECTION_KEY_SUFFIX;
    await s.set(rejectionKey, rejection);
    await s.set(ACCOUNT, sampleRecord());
    expect(await store().get(rejectionKey)).toEqual(rejection);
    expect(await store().get(ACCOUNT)).toEqual(sampleRecord());
    expect((await redisStores.raw.keys('*')).sort()).toEqual([`apiax-auth:{${ACCOUNT}}:login-rejection`, `apiax-auth:{${ACCOUNT}}:record`]);
    expect(await redisStores.raw.pttl(`apiax-auth:{${ACCOUNT}}:login-rejection`)).toBeLessThanOrEqual(60_000);
  });
});
