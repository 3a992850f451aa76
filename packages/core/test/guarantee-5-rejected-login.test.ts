import { describe, expect, it } from 'vitest';
import { ApiaxAuthError } from '../src/index.js';
import { startHarness, tamperingFetch } from './support/harness.js';

async function rejections(promises: Array<Promise<unknown>>): Promise<ApiaxAuthError[]> {
  const results = await Promise.allSettled(promises);
  return results.map((result) => {
    expect(result.status).toBe('rejected');
    return (result as PromiseRejectedResult).reason as ApiaxAuthError;
  });
}

/** Guarantee 5: a login rejected with invalid_grant is never retried automatically. */
describe('guarantee 5: a rejected login is never retried', () => {
  it('a wrong password under load sends the password once: the account is never locked', async () => {
    const { fake, clock, client } = await startHarness({ bruteForce: { maxFailures: 5 }, tokenLatencyMs: 20 });
    const auth = client({ password: 'wrong-password', loginCooldownMs: 60_000 });
    const errorEvents: ApiaxAuthError[] = [];
    auth.on('error', (error) => errorEvents.push(error));

    const storm = await rejections([
      ...Array.from({ length: 300 }, () => auth.getAccessToken()),
      ...Array.from({ length: 100 }, () => auth.fetch('/api/v3/rules/inspect', { method: 'POST', body: '{}' })),
    ]);
    // One typed error, shared by every waiting caller.
    expect(new Set(storm).size).toBe(1);
    const [error] = storm;
    expect(error).toBeInstanceOf(ApiaxAuthError);
    expect(error).toMatchObject({ code: 'invalid_credentials', oauthError: 'invalid_grant', retryable: false });
    expect(error!.status === 400 || error!.status === 401).toBe(true);
    expect(errorEvents).toEqual([error]);

    // Later calls fail fast, for loginCooldownMs, without sending the password again: forced ones and
    // fetches too, and without a new 'error' event each (nothing new failed).
    const later = await rejections([
      ...Array.from({ length: 200 }, () => auth.getAccessToken()),
      ...Array.from({ length: 20 }, () => auth.getAccessToken({ forceRefresh: true })),
      ...Array.from({ length: 20 }, () => auth.fetch('/api/v3/rules/inspect')),
    ]);
    expect(later.every((failure) => failure instanceof ApiaxAuthError && failure.code === 'invalid_credentials')).toBe(true);
    expect(later[0]!.message).toMatch(/loginCooldownMs/);
    clock.advance(59);
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(fake.stats).toMatchObject({ tokenRequests: 1, failedLogins: 1, apiCalls: 0 });
    expect(errorEvents).toEqual([error]);
    expect(fake.isLocked('demo')).toBe(false);
    expect(auth.status()).toMatchObject({ state: 'failed', lastError: { code: 'invalid_credentials' } });

    // After the cooldown, one new attempt (a human may have fixed the password meanwhile).
    clock.advance(2);
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(fake.stats).toMatchObject({ tokenRequests: 2, failedLogins: 2 });
    expect(fake.isLocked('demo')).toBe(false);
  });

  it('a wrong password under steady load for a day never locks the account: two cooldowns, then never again', async () => {
    const { fake, clock, client } = await startHarness({ bruteForce: { maxFailures: 5 } });
    // The default loginCooldownMs: 5 min.
    const auth = client({ password: 'wrong-password' });
    const failedLoginsAt: number[] = [];
    auth.on('error', () => failedLoginsAt.push(fake.stats.failedLogins));
    const start = clock.now();
    const attemptsAtMinute: number[] = [];
    let lastError: unknown;
    for (let elapsed = 0; elapsed <= 24 * 3600; elapsed += 60) {
      if (elapsed > 0) clock.advance(60);
      const before = fake.stats.tokenRequests;
      const errors = await rejections(Array.from({ length: 20 }, () => auth.getAccessToken()));
      expect(errors.every((error) => error instanceof ApiaxAuthError && error.code === 'invalid_credentials')).toBe(true);
      if (fake.stats.tokenRequests > before) attemptsAtMinute.push((clock.now() - start) / 60_000);
      lastError = errors.at(-1);
    }
    // 0, then 5 and 10 min apart, then the client gives up: its password cannot change while it runs.
    // (A constant 5-min cooldown would lock the account at its 5th try, 20 minutes in.)
    expect(attemptsAtMinute).toEqual([0, 5, 15]);
    expect(fake.stats).toMatchObject({ tokenRequests: 3, failedLogins: 3 });
    expect(fake.isLocked('demo')).toBe(false);
    expect(failedLoginsAt).toEqual([1, 2, 3]);
    expect((lastError as Error).message).toMatch(/will not send the password again/);
    expect(auth.status()).toMatchObject({ state: 'failed', lastError: { code: 'invalid_credentials' } });
  }, 120_000);

  it('a refresh rejection followed by a login rejection (password changed, session ended) fails once, typed', async () => {
    const { fake, clock, client } = await startHarness();
    const tampering = tamperingFetch();
    const auth = client({ fetch: tampering.fetch });
    await auth.getAccessToken();
    tampering.sendPassword('changed-by-an-admin');
    fake.endAllSessions();
    clock.advance(1800);
    const errors = await rejections(Array.from({ length: 100 }, () => auth.getAccessToken()));
    expect(new Set(errors).size).toBe(1);
    expect(errors[0]).toMatchObject({ code: 'invalid_credentials', oauthError: 'invalid_grant' });
    expect(fake.stats).toMatchObject({ failedRefreshes: 1, failedLogins: 1, password: 2 });
  });

  it.each([
    [{ disabled: true }, 'account_disabled', /disabled/],
    [{ requiredActions: true }, 'account_not_set_up', /required actions/],
  ] as const)('%o → %s, never retried', async (flags, code, message) => {
    const { fake, client } = await startHarness({ users: [{ username: 'demo', password: 'demo', ...flags }] });
    const auth = client();
    const errors = await rejections(Array.from({ length: 50 }, () => auth.getAccessToken()));
    expect(new Set(errors).size).toBe(1);
    expect(errors[0]).toMatchObject({ code, oauthError: 'invalid_grant', retryable: false });
    expect(errors[0]!.message).toMatch(message);
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code });
    expect(fake.stats.tokenRequests).toBe(1);
  });

  it('an unknown client id → client_rejected, never retried', async () => {
    const { fake, client } = await startHarness();
    const auth = client({ clientId: 'not-a-client' });
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'client_rejected', retryable: false });
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'client_rejected' });
    expect(fake.stats.tokenRequests).toBe(1);
  });

  it('after the cooldown, a fixed password logs in and clears the failed state', async () => {
    const { fake, clock, client } = await startHarness();
    const tampering = tamperingFetch();
    tampering.sendPassword('typo');
    const auth = client({ fetch: tampering.fetch, loginCooldownMs: 1_000 });
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(auth.status().state).toBe('failed');
    tampering.sendPassword(null);
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(fake.stats.tokenRequests).toBe(1);
    clock.advance(1);
    await expect(auth.getAccessToken()).resolves.toMatch(/^eyJ/);
    expect(auth.status()).toMatchObject({ state: 'valid', lastError: null });
    expect(fake.stats).toMatchObject({ tokenRequests: 2, failedLogins: 1 });
  });
});
