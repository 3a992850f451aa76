import { describe, expect, it } from 'vitest';
import { apiax, CANARY_PASSWORD, expectNoSecrets, startFake, tempDir, userEnv } from './support/apiax.js';

/**
 * Password attempts the fake may see over RUNS runs with a wrong password: one. Core never retries a
 * rejection, and shares its login cooldown through the store (a rejection record in the cache), so the runs
 * after the first fail fast without sending the password.
 */
const RUNS = 3;
const MAX_PASSWORD_ATTEMPTS = 1;

describe('apiax with a wrong password', () => {
  it('prints the error code on stderr, exits 1, and sends one password in all: later runs honour the cooldown shared through the cache', async () => {
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
