import { describe, expect, it } from 'vitest';
import { captureLogger, recordingFetch, settled, startHarness } from './support/harness.js';

describe('1FA grants over HTTP', () => {
  it('the first token costs exactly one request: a password grant, no discovery', async () => {
    const { fake, client } = await startHarness();
    const { fetch, requests } = recordingFetch();
    const auth = client({ fetch });
    await auth.getAccessToken();
    expect(fake.requests.map((entry) => entry.endpoint)).toEqual(['token']);
    expect(requests).toHaveLength(1);
    const [login] = requests;
    expect(login!.url).toBe(fake.tokenEndpoint);
    expect(login!.method).toBe('POST');
    expect(login!.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(login!.form!)).toEqual({
      grant_type: 'password',
      client_id: 'integration-api',
      username: 'demo',
      password: 'demo',
    });
    expect(auth.status()).toMatchObject({ state: 'valid', grants: { password: 1, refresh: 0 }, lastError: null });
  });

  it('refreshes with grant_type=refresh_token, client_id and the refresh token', async () => {
    const { fake, clock, client } = await startHarness();
    const { fetch, requests } = recordingFetch();
    const auth = client({ fetch });
    const first = await auth.getAccessToken();
    clock.advance(30 * 60);
    const second = await auth.getAccessToken();
    expect(second).not.toBe(first);
    const refresh = requests[1]!.form!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_id')).toBe('integration-api');
    expect(refresh.get('refresh_token')).toBeTruthy();
    expect(refresh.has('password')).toBe(false);
    expect(fake.stats).toMatchObject({ password: 1, refresh: 1, failedRefreshes: 0 });
  });

  it('computes expiries from the response, anchored on the shared clock', async () => {
    const { clock, client } = await startHarness({ accessTokenLifetimeSeconds: 1800, ssoSessionMaxSeconds: 14 * 86_400 });
    const auth = client();
    const loginAt = clock.now();
    await auth.getAccessToken();
    expect(auth.status().accessTokenExpiresAt).toBe(loginAt + 1_800_000);
    expect(auth.status().refreshTokenExpiresAt).toBe(loginAt + 14 * 86_400_000);
    clock.advance(3600);
    await auth.getAccessToken();
    // The refresh token's life counts down from the login, never reset.
    expect(auth.status().refreshTokenExpiresAt).toBe(loginAt + 14 * 86_400_000);
    expect(auth.status().accessTokenExpiresAt).toBe(clock.now() + 1_800_000);
  });

  it('close({ logout: true }) ends the Keycloak session with client_id and the refresh token', async () => {
    const { fake, client } = await startHarness();
    const { fetch, requests } = recordingFetch();
    const auth = client({ fetch });
    await auth.getAccessToken();
    expect(fake.stats.activeSessions).toBe(1);
    await auth.close({ logout: true });
    const logout = requests.at(-1)!;
    expect(logout.url).toBe(`${fake.issuer}/protocol/openid-connect/logout`);
    expect(logout.form!.get('client_id')).toBe('integration-api');
    expect(logout.form!.get('refresh_token')).toBeTruthy();
    expect(fake.stats).toMatchObject({ logouts: 1, activeSessions: 0 });
  });

  it('logout of a session the server already ended still resolves', async () => {
    const { fake, client } = await startHarness();
    const auth = client();
    await auth.getAccessToken();
    fake.endAllSessions();
    await expect(auth.close({ logout: true })).resolves.toBeUndefined();
  });

  it('a logout answered 400 invalid_grant (Keycloak: a token it does not know) counts as done: no error', async () => {
    const { fake, client } = await startHarness();
    const logs = captureLogger();
    const auth = client({
      logger: logs.logger,
      // The logout carries a refresh token the server never issued.
      fetch: async (input, init) => {
        if (!String(input).endsWith('/logout')) return globalThis.fetch(input, init);
        const form = new URLSearchParams(await new Request(input, init).text());
        form.set('refresh_token', 'never-issued');
        return globalThis.fetch(input, { ...init, body: form });
      },
    });
    const errors: unknown[] = [];
    auth.on('error', (error) => errors.push(error));
    await auth.getAccessToken();
    await auth.close({ logout: true });
    expect(fake.requests.at(-1)).toMatchObject({ endpoint: 'logout', status: 400, error: 'invalid_grant' });
    expect(errors).toEqual([]);
    expect(
      logs.lines.some((line) => line.startsWith('info') && line.includes('logged out') && line.includes('"sessionWasActive":false')),
    ).toBe(true);
  });

  it('close() without logout leaves the session alive and sends nothing', async () => {
    const { fake, client } = await startHarness();
    const auth = client();
    await auth.getAccessToken();
    await settled(auth);
    const before = fake.requests.length;
    await auth.close();
    expect(fake.requests.length).toBe(before);
    expect(fake.stats.activeSessions).toBe(1);
  });
});
