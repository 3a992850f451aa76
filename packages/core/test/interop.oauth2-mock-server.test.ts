import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiaxAuthError, createApiaxAuth, type ApiaxAuth, type ApiaxAuthOptions } from '../src/index.js';
import { MOCK_TOKEN_LIFETIME_SECONDS, startOAuth2MockServer, type RunningOAuth2MockServer } from './support/interop-oauth2-mock-server.js';
import { startResourceServer, type ResourceServer } from './support/interop-resource-server.js';
import { createInteropClock, postForm } from './support/interop-helpers.js';

let mock: RunningOAuth2MockServer;
let api: ResourceServer;
/** Tokens the resource server refuses from now on (oauth2-mock-server has no revocation of its own). */
let revoked: Set<string>;
const clients: ApiaxAuth[] = [];

beforeEach(async () => {
  mock = await startOAuth2MockServer({ users: [{ username: 'demo', password: 'demo-password' }] });
  revoked = new Set();
  api = await startResourceServer(async (token) => !revoked.has(token) && (await mock.verify(token)));
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all([api.close(), mock.close()]);
});

function createClient(overrides: ApiaxAuthOptions = {}): ApiaxAuth {
  const client = createApiaxAuth({
    env: {},
    username: 'demo',
    password: 'demo-password',
    issuer: mock.issuer,
    tokenEndpoint: mock.tokenEndpoint,
    apiBaseUrl: api.origin,
    ...overrides,
  });
  clients.push(client);
  return client;
}

describe('oauth2-mock-server, raw: what the client will face', () => {
  it('answers the password grant with a signed token and a refresh token, and refuses a wrong password', async () => {
    const good = await postForm(mock.tokenEndpoint, {
      grant_type: 'password',
      client_id: 'integration-api',
      username: 'demo',
      password: 'demo-password',
    });
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ token_type: 'Bearer', expires_in: MOCK_TOKEN_LIFETIME_SECONDS, refresh_token: expect.any(String) });
    expect(good.body).not.toHaveProperty('refresh_expires_in');
    expect(await mock.verify(String(good.body.access_token))).toBe(true);

    const bad = await postForm(mock.tokenEndpoint, {
      grant_type: 'password',
      client_id: 'integration-api',
      username: 'demo',
      password: 'wrong',
    });
    expect(bad).toMatchObject({ status: 401, body: { error: 'invalid_grant' } });
    expect(mock.stats).toMatchObject({ password: 1, failedGrants: 1 });
  });

  it('accepts only refresh tokens it issued, and issues a new one each time', async () => {
    const login = await postForm(mock.tokenEndpoint, {
      grant_type: 'password',
      client_id: 'integration-api',
      username: 'demo',
      password: 'demo-password',
    });
    const refreshed = await postForm(mock.tokenEndpoint, {
      grant_type: 'refresh_token',
      client_id: 'integration-api',
      refresh_token: String(login.body.refresh_token),
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(login.body.refresh_token);
    expect(refreshed.body.access_token).not.toBe(login.body.access_token);
    const forged = await postForm(mock.tokenEndpoint, {
      grant_type: 'refresh_token',
      client_id: 'integration-api',
      refresh_token: 'forged',
    });
    expect(forged).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });
});

describe('createApiaxAuth against oauth2-mock-server', () => {
  it('logs in once with the password grant and serves the token from the cache', async () => {
    const auth = createClient();
    const token = await auth.getAccessToken();
    expect(await mock.verify(token)).toBe(true);
    expect(await auth.getAccessToken()).toBe(token);
    expect(mock.stats).toMatchObject({ password: 1, refresh: 0 });
    expect(auth.status()).toMatchObject({ state: 'valid', grants: { password: 1, refresh: 0 }, refreshTokenExpiresAt: null });
  });

  it('refreshes with the refresh grant once the shared clock passes the lifetime', async () => {
    const clock = createInteropClock();
    const auth = createClient({ now: clock.now });
    const first = await auth.getAccessToken();
    clock.advance(MOCK_TOKEN_LIFETIME_SECONDS + 1);
    const second = await auth.getAccessToken();
    expect(second).not.toBe(first);
    expect(await mock.verify(second)).toBe(true);
    expect(mock.stats).toMatchObject({ password: 1, refresh: 1, failedGrants: 0 });
  });

  it('forceRefresh runs one refresh grant for concurrent callers', async () => {
    const auth = createClient();
    const first = await auth.getAccessToken();
    const forced = await Promise.all(Array.from({ length: 10 }, () => auth.getAccessToken({ forceRefresh: true })));
    expect(new Set(forced).size).toBe(1);
    expect(forced[0]).not.toBe(first);
    expect(mock.stats).toMatchObject({ password: 1, refresh: 1 });
  });

  it('100 concurrent first calls send one password grant', async () => {
    const auth = createClient();
    const tokens = await Promise.all(Array.from({ length: 100 }, () => auth.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(mock.stats).toMatchObject({ password: 1, refresh: 0 });
  });

  it('logs in again when the server no longer knows the refresh token', async () => {
    const clock = createInteropClock();
    const auth = createClient({ now: clock.now });
    await auth.getAccessToken();
    mock.issuedRefreshTokens.clear();
    clock.advance(MOCK_TOKEN_LIFETIME_SECONDS + 1);
    expect(await mock.verify(await auth.getAccessToken())).toBe(true);
    expect(mock.stats).toMatchObject({ password: 2, refresh: 0, failedGrants: 1 });
  });

  it('refuses a wrong password once, typed, and does not send it again', async () => {
    const auth = createClient({ password: 'canary-wrong-password' });
    const error = await auth.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiaxAuthError);
    expect(error).toMatchObject({ code: 'invalid_credentials', retryable: false, oauthError: 'invalid_grant' });
    expect(JSON.stringify(error) + String(error)).not.toContain('canary-wrong-password');
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(mock.stats).toMatchObject({ password: 0, failedGrants: 1 });
  });

  it('auth.fetch calls a resource server that verifies the JWT, and renews once when it answers 401', async () => {
    const auth = createClient();
    const response = await auth.fetch('/api/v3/rules/eval', { method: 'POST', body: '{"q":1}' });
    expect(await response.json()).toEqual({ path: '/api/v3/rules/eval', body: '{"q":1}' });
    const [first] = api.accepted;
    revoked.add(first!);

    const replayed = await auth.fetch('/api/v3/rules/eval', { method: 'POST', body: '{"q":2}' });
    expect(replayed.status).toBe(200);
    expect(api.rejected).toEqual([first]);
    expect(api.accepted).toHaveLength(2);
    expect(api.accepted[1]).not.toBe(first);
    expect(mock.stats.password + mock.stats.refresh).toBe(2);
  });
});
