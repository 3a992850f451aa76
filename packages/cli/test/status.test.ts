import { describe, expect, it } from 'vitest';
import { apiax, CANARY_API_KEY, CANARY_PASSWORD, expectNoSecrets, startFake, tempDir, userEnv } from './support/apiax.js';

describe('apiax status', () => {
  it('prints the cached session as JSON (state, expiries, grants, cache), no secret, no new login', async () => {
    const fake = await startFake();
    const home = tempDir();
    const env = userEnv(fake, home);
    const token = (await apiax(['token'], env)).stdout.trimEnd();
    const run = await apiax(['status'], env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const status = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(status).toMatchObject({
      state: 'valid',
      grants: { password: 0, refresh: 0 },
      lastError: null,
      cache: { directory: `${home}/.cache/apiax-auth`, encrypted: false },
    });
    expect(status['accessTokenExpiresAt']).toBeGreaterThan(Date.now());
    expect(status['refreshTokenExpiresAt']).toBeGreaterThan(status['accessTokenExpiresAt'] as number);
    expect(fake.stats.password).toBe(1);
    expectNoSecrets(run, [token, token.split('.')[1]!, CANARY_PASSWORD, CANARY_API_KEY]);
  });

  it('with a wrong password: state failed and the error code in the JSON, exit 1', async () => {
    const fake = await startFake();
    const run = await apiax(['status', '--no-cache'], userEnv(fake, tempDir(), { APIAX_PASSWORD: 'wrong-canary' }));
    expect(run.code).toBe(1);
    const status = JSON.parse(run.stdout) as { state: string; lastError: { code: string }; cache: unknown };
    expect(status).toMatchObject({ state: 'failed', lastError: { code: 'invalid_credentials' }, cache: null });
    expect(run.stderr).toMatch(/^apiax: invalid_credentials: /);
    expect(fake.stats.password).toBe(1);
    expectNoSecrets(run, ['wrong-canary']);
  });
});
