import { describe, expect, it } from 'vitest';
import type { ApiaxTokenEvent } from '../src/index.js';
import { rsaKeyPair, settled, startHarness, tamperingFetch } from './support/harness.js';

/** Guarantee 4: a refresh rejected with invalid_grant turns into a password login inside the same call. */
describe('guarantee 4: silent re-login after a rejected refresh', () => {
  it('session ended by an admin: the waiting call logs in again and succeeds', async () => {
    const { fake, clock, client } = await startHarness();
    const auth = client();
    const events: ApiaxTokenEvent[] = [];
    auth.on('token', (event) => events.push(event));
    const errors: unknown[] = [];
    auth.on('error', (error) => errors.push(error));
    const first = await auth.getAccessToken();
    fake.endAllSessions();
    clock.advance(1800);
    const second = await auth.getAccessToken();
    expect(second).not.toBe(first);
    expect(fake.stats).toMatchObject({ password: 2, refresh: 1, failedRefreshes: 1, failedLogins: 0, activeSessions: 1 });
    expect(fake.requests.filter((entry) => entry.endpoint === 'token').map((entry) => `${entry.grantType}:${entry.status}`)).toEqual([
      'password:200',
      'refresh_token:400',
      'password:200',
    ]);
    expect(events.map((event) => `${event.grant}:${event.reason}`)).toEqual(['password:initial', 'password:relogin']);
    expect(errors).toEqual([]);
    expect(auth.status()).toMatchObject({ state: 'valid', lastError: null, grants: { password: 2, refresh: 1 } });
  });

  it('a revoked session found by a background refresh: callers keep the current token and never see the failure', async () => {
    const { fake, clock, client } = await startHarness();
    const auth = client();
    const first = await auth.getAccessToken();
    fake.revokeSessions('demo');
    clock.advance(26 * 60);
    expect(await auth.getAccessToken()).toBe(first);
    await settled(auth);
    expect(await auth.getAccessToken()).not.toBe(first);
    expect(fake.stats).toMatchObject({ password: 2, failedRefreshes: 1 });
  });

  it('a 401 from the API for a revoked session: auth.fetch renews (refresh → invalid_grant → login) and replays once', async () => {
    const { fake, client } = await startHarness();
    const auth = client();
    await auth.getAccessToken();
    fake.revokeSessions('demo');
    const response = await auth.fetch('/api/v3/rules/eval', { method: 'POST', body: '{"products":[]}' });
    expect(response.status).toBe(200);
    expect(fake.stats).toMatchObject({ apiCalls: 2, rejectedApiCalls: 1, password: 2, failedRefreshes: 1 });
  });

  it('many concurrent 401s for the same token share one renewal', async () => {
    const { fake, client } = await startHarness({ tokenLatencyMs: 20 });
    const auth = client();
    await auth.getAccessToken();
    fake.revokeSessions('demo');
    const responses = await Promise.all(
      Array.from({ length: 200 }, () => auth.fetch('/api/v3/rules/inspect', { method: 'POST', body: '{}' })),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(fake.stats).toMatchObject({ password: 2, refresh: 1 });
  });

  it('a refresh token killed by rotation reuse (another process refreshed with it first) leads to a login, not a failure', async () => {
    const { fake, clock, client } = await startHarness({ rotateRefreshTokens: true });
    const tampering = tamperingFetch();
    const auth = client({ fetch: tampering.fetch });
    await auth.getAccessToken();
    tampering.duplicateNextRefresh();
    clock.advance(1800);
    await expect(auth.getAccessToken()).resolves.toMatch(/^eyJ/);
    const tokenRequests = fake.requests.filter((entry) => entry.endpoint === 'token');
    expect(tokenRequests.map((entry) => `${entry.grantType}:${entry.status}:${entry.error ?? ''}`)).toEqual([
      'password:200:',
      'refresh_token:200:',
      'refresh_token:400:invalid_grant',
      'password:200:',
    ]);
    expect(fake.stats.failedLogins).toBe(0);
    expect(fake.stats.activeSessions).toBe(1);
  });

  it('2FA: the re-login carries a fresh assertion and succeeds', async () => {
    const keys = rsaKeyPair();
    const { fake, clock, client } = await startHarness({
      users: [{ username: 'alice', password: 'pw', assertion: { publicKey: keys.publicKey, subject: 'MyCompany' } }],
    });
    const auth = client({ assertion: { privateKey: keys.privateKey, subject: 'MyCompany' } });
    await auth.getAccessToken();
    fake.endAllSessions();
    clock.advance(1800);
    await expect(auth.getAccessToken()).resolves.toMatch(/^eyJ/);
    expect(fake.stats).toMatchObject({ password: 2, failedRefreshes: 1, failedLogins: 0 });
  });

  it('refresh_expires_in 0 (unknown): the client refreshes until the server says no, then logs in', async () => {
    const { fake, clock, client } = await startHarness();
    // A server that does not tell the refresh token's life: strip refresh_expires_in to 0 in transit.
    const auth = client({
      fetch: async (input, init) => {
        const response = await globalThis.fetch(input, init);
        if (!String(input).endsWith('/token') || response.status !== 200) return response;
        const body = (await response.json()) as Record<string, unknown>;
        return Response.json({ ...body, refresh_expires_in: 0 });
      },
    });
    await auth.getAccessToken();
    expect(auth.status().refreshTokenExpiresAt).toBeNull();
    clock.advance(1800);
    await auth.getAccessToken();
    expect(fake.stats.refresh).toBe(1);
    fake.endAllSessions();
    clock.advance(1800);
    await auth.getAccessToken();
    expect(fake.stats).toMatchObject({ password: 2, refresh: 2, failedRefreshes: 1 });
  });
});
