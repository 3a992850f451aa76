import { describe, expect, it } from 'vitest';
import { apiax, CANARY_PASSWORD, expectNoSecrets, startFake, tempDir, userEnv } from './support/apiax.js';

/**
 * Password attempts the fake may see over RUNS runs with a wrong password. Each run sends at most one (core
 * never retries a rejection). Once core shares its login cooldown through the store (a rejection record in the
 * cache), runs after the first fail fast without sending: tighten this to 1 then.
 */
const RUNS = 3;
const MAX_PASSWORD_ATTEMPTS = RUNS;

describe('apiax with a wrong password', () => {
  it('prints the error code on stderr, exits 1, and sends at most one password per run', async () => {
    const fake = await startFake();
    const env = userEnv(fake, tempDir(), { APIAX_PASSWORD: 'wrong-canary-password' });
    for (let run = 1; run <= RUNS; run += 1) {
      const before = fake.stats.password;
      const result = await apiax(['token'], env);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^apiax: invalid_credentials: /m);
      expect(fake.stats.password - before).toBeLessThanOrEqual(1);
      expectNoSecrets(result, ['wrong-canary-password', CANARY_PASSWORD]);
    }
    expect(fake.stats.password).toBeGreaterThanOrEqual(1);
    expect(fake.stats.password).toBeLessThanOrEqual(MAX_PASSWORD_ATTEMPTS);
    expect(fake.isLocked('alice')).toBe(false);
  });
});
