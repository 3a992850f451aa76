import { createApiaxAuth } from '@apiax-auth/core';
import { startFakeApiax } from '@apiax-auth/testing';
import { describe, expect, it } from 'vitest';
import { randomKey, recordingLogger } from './support/fixtures.js';
import { useRedisStores } from './support/redis-stores.js';

const redisStores = useRedisStores();

const EVAL_BODY = JSON.stringify({
  products: [{ productId: 'Custody and Payment Services', familyId: 'Financial Services' }],
  regimes: ['CAN'],
  versionFilter: 'latest',
  attributes: [{ name: 'clientStatus', value: '*(prospect|existingClient)' }],
});

describe('a plaintext record planted in Redis', () => {
  it('is refused by a store with a key: logged, ignored, and the client logs in again instead of sending it', async () => {
    const fake = await startFakeApiax();
    const encryptionKey = randomKey();
    const first = createApiaxAuth({ env: fake.env, store: redisStores.store({ encryptionKey }) });
    const logger = recordingLogger();
    const second = createApiaxAuth({ env: fake.env, store: redisStores.store({ encryptionKey, logger }) });
    try {
      await first.getAccessToken();
      const [recordKey] = await redisStores.raw.keys('apiax-auth:{*}:record');
      expect(recordKey).toBeDefined();
      // Whoever can write to Redis plants a record of their own: a token they control, fresh, in plain JSON.
      const now = Date.now();
      const planted = {
        accessToken: 'planted-token-canary-0f3e',
        accessTokenExpiresAt: now + 1_800_000,
        refreshToken: 'planted-refresh-canary-9a1c',
        refreshTokenExpiresAt: now + 1_209_600_000,
        obtainedAt: now,
        sessionStartedAt: now,
      };
      await redisStores.raw.set(recordKey!, `${now}|v1.plain.${JSON.stringify(planted)}`);

      const token = await second.getAccessToken();
      expect(token).not.toBe(planted.accessToken);
      expect(fake.stats).toMatchObject({ password: 2 }); // a fresh login, not the planted token
      const response = await second.fetch('/api/v3/rules/eval', {
        method: 'POST',
        body: EVAL_BODY,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(200);
      expect(fake.stats.rejectedApiCalls).toBe(0);
      expect(logger.at('warn').map((entry) => entry.message)).toEqual([
        'Redis token store: ignoring the stored record: it is not encrypted, but an encryptionKey is configured.',
      ]);
      expect(JSON.stringify(logger.entries)).not.toContain('canary');
      // The fresh login's record replaced the planted one (compare-and-set: it is newer), encrypted.
      expect(await redisStores.raw.get(recordKey!)).toMatch(/^\d+\|v1\.gcm\./);
    } finally {
      await Promise.all([first.close(), second.close()]);
      await fake.close();
    }
  });
});
