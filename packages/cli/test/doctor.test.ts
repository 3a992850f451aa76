import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { apiax, CANARY_API_KEY, CANARY_CACHE_KEY, CANARY_PASSWORD, expectNoSecrets, startFake, tempDir, userEnv } from './support/apiax.js';

const pem = (bits: number) =>
  generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('apiax doctor', () => {
  it('all green against the fake: variables set (no values), cache, DNS, TCP, clock, one login; exit 0', async () => {
    const fake = await startFake();
    const run = await apiax(['doctor'], userEnv(fake, tempDir(), { APIAX_CACHE_KEY: CANARY_CACHE_KEY }));
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/✓ APIAX_PASSWORD: set\n/);
    expect(run.stdout).toMatch(/✓ token cache: .*encrypted/);
    expect(run.stdout).toMatch(/✓ DNS token endpoint: 127\.0\.0\.1/);
    expect(run.stdout).toMatch(/✓ TCP API: /);
    expect(run.stdout).toMatch(/✓ clock skew: [+-]\d+\.\d s/);
    expect(run.stdout).toMatch(/lockout-safe: a rejected login is not retried/);
    expect(run.stdout).toMatch(/✓ login: the credentials were accepted \(one password grant\)/);
    expect(run.stdout).toMatch(/all checks passed\n$/);
    expect(fake.stats.password).toBe(1);
    expectNoSecrets(run, [CANARY_PASSWORD, CANARY_API_KEY, CANARY_CACHE_KEY, fake.env.APIAX_USERNAME]);
  });

  it('a wrong password: one attempt, not retried, named; exit 1', async () => {
    const fake = await startFake();
    const run = await apiax(['doctor', '--no-cache'], userEnv(fake, tempDir(), { APIAX_PASSWORD: 'wrong-canary' }));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✗ login: invalid_credentials: .*Check APIAX_USERNAME and APIAX_PASSWORD/);
    expect(run.stderr).toBe('apiax: doctor_failed: login\n');
    expect(fake.stats.password).toBe(1);
    expectNoSecrets(run, ['wrong-canary']);
  });

  it('a missing variable, a short 2FA key and a closed port are each named; no login is sent', async () => {
    const fake = await startFake();
    const closed = await freePort();
    const run = await apiax(
      ['doctor'],
      userEnv(fake, tempDir(), {
        APIAX_PASSWORD: '',
        APIAX_ASSERTION_KEY: pem(1024),
        APIAX_ASSERTION_SUBJECT: 'MyCompany',
        APIAX_API_URL: `http://127.0.0.1:${closed}`,
      }),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✗ APIAX_PASSWORD: not set \(required\)/);
    expect(run.stdout).toMatch(/✗ TCP API: 127\.0\.0\.1:\d+ refused or unreachable \(ECONNREFUSED\)/);
    expect(run.stdout).toMatch(/✗ 2FA key: RSA 1024 bits is too short/);
    expect(run.stdout).toMatch(/✗ login: skipped: fix the configuration first/);
    expect(run.stderr).toMatch(/^apiax: doctor_failed: APIAX_PASSWORD, configuration, TCP API, 2FA key, login\n$/);
    expect(fake.stats.tokenRequests).toBe(0);
    expect(run.stdout).not.toContain('MyCompany');
  });

  it('a 2FA key that is not PEM text is named; a cached session is reported without sending the password', async () => {
    const fake = await startFake();
    const env = userEnv(fake, tempDir());
    await apiax(['token'], env);
    const run = await apiax(['doctor'], { ...env, APIAX_ASSERTION_KEY: 'not a pem', APIAX_ASSERTION_SUBJECT: 'MyCompany' });
    expect(run.stdout).toMatch(/✗ 2FA key: APIAX_ASSERTION_KEY must hold the PEM text itself/);
    const withKey = await apiax(['doctor'], env);
    expect(withKey.stdout).toMatch(/✓ login: a cached session is valid; the password was not sent/);
    expect(fake.stats.password).toBe(1);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
