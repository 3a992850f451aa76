import { afterEach, describe, expect, it } from 'vitest';
import { ApiaxAuthError, createApiaxAuth, type ApiaxAuth, type ApiaxAuthOptions } from '../src/index.js';
import { startOidcProvider, type OidcProviderOptions, type RunningOidcProvider } from './support/interop-oidc-provider.js';
import { startResourceServer, type ResourceServer } from './support/interop-resource-server.js';
import { createInteropClock, postForm } from './support/interop-helpers.js';

const ACCESS_TOKEN_LIFETIME_SECONDS = 1800;

let provider: RunningOidcProvider | undefined;
let api: ResourceServer | undefined;
const clients: ApiaxAuth[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all([api?.close(), provider?.close()]);
  provider = undefined;
  api = undefined;
});

async function start(options: OidcProviderOptions = {}): Promise<{ provider: RunningOidcProvider; api: ResourceServer }> {
  provider = await startOidcProvider({
    users: [{ username: 'demo', password: 'demo-password' }],
    accessTokenLifetimeSeconds: ACCESS_TOKEN_LIFETIME_SECONDS,
    ...options,
  });
  const running = provider;
  api = await startResourceServer((token) => running.isActive(token));
  return { provider, api };
}

function createClient(op: RunningOidcProvider, resourceServer: ResourceServer, overrides: ApiaxAuthOptions = {}): ApiaxAuth {
  const client = createApiaxAuth({
    env: {},
    username: 'demo',
    password: 'demo-password',
    clientId: op.clientId,
    issuer: op.issuer,
    tokenEndpoint: op.tokenEndpoint,
    apiBaseUrl: resourceServer.origin,
    ...overrides,
  });
  clients.push(client);
  return client;
}

function login(op: RunningOidcProvider, password = 'demo-password') {
  return postForm(op.tokenEndpoint, { grant_type: 'password', client_id: op.clientId, username: 'demo', password });
}

function refresh(op: RunningOidcProvider, refreshToken: unknown) {
  return postForm(op.tokenEndpoint, { grant_type: 'refresh_token', client_id: op.clientId, refresh_token: String(refreshToken) });
}

describe('oidc-provider, raw: what the client will face', () => {
  it('answers the registered password grant, and refuses a wrong password with invalid_grant', async () => {
    const { provider: op } = await start();
    const good = await login(op);
    expect(good).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: ACCESS_TOKEN_LIFETIME_SECONDS } });
    expect(await op.isActive(String(good.body.access_token))).toBe(true);
    expect(await login(op, 'wrong')).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(op.stats).toMatchObject({ password: 1, failedGrants: 1, failures: ['invalid user credentials'] });
  });

  it('with rotation, reusing a refresh token revokes the whole grant, newest tokens included', async () => {
    const { provider: op } = await start({ rotateRefreshTokens: true });
    const first = await login(op);
    const rotated = await refresh(op, first.body.refresh_token);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(first.body.refresh_token);

    expect(await refresh(op, first.body.refresh_token)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(op.stats.revokedGrants).toBe(1);
    expect(await op.isActive(String(rotated.body.access_token))).toBe(false);
    expect(await refresh(op, rotated.body.refresh_token)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('without rotation, a refresh token can be used again', async () => {
    const { provider: op } = await start({ rotateRefreshTokens: false });
    const first = await login(op);
    expect((await refresh(op, first.body.refresh_token)).status).toBe(200);
    expect((await refresh(op, first.body.refresh_token)).status).toBe(200);
    expect(op.stats.revokedGrants).toBe(0);
  });
});

describe('createApiaxAuth against oidc-provider', () => {
  it('logs in once and sends a token the provider honours', async () => {
    const { provider: op, api: rs } = await start();
    const auth = createClient(op, rs);
    const tokens = await Promise.all(Array.from({ length: 100 }, () => auth.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(await op.isActive(tokens[0]!)).toBe(true);
    expect(op.stats).toMatchObject({ password: 1, refresh: 0, failedGrants: 0 });
  });

  it('refreshes once the shared clock passes the lifetime, and on forceRefresh, one grant per round', async () => {
    const { provider: op, api: rs } = await start();
    const clock = createInteropClock();
    const auth = createClient(op, rs, { now: clock.now });
    const first = await auth.getAccessToken();
    clock.advance(ACCESS_TOKEN_LIFETIME_SECONDS + 1);
    const refreshed = await Promise.all(Array.from({ length: 20 }, () => auth.getAccessToken()));
    expect(new Set(refreshed).size).toBe(1);
    expect(refreshed[0]).not.toBe(first);
    const forced = await Promise.all(Array.from({ length: 20 }, () => auth.getAccessToken({ forceRefresh: true })));
    expect(new Set(forced).size).toBe(1);
    expect(forced[0]).not.toBe(refreshed[0]);
    expect(await op.isActive(forced[0]!)).toBe(true);
    expect(op.stats).toMatchObject({ password: 1, refresh: 2, failedGrants: 0 });
  });

  it('with rotation, concurrent refreshes never reuse a refresh token, so the grant survives', async () => {
    const { provider: op, api: rs } = await start({ rotateRefreshTokens: true });
    const clock = createInteropClock();
    const auth = createClient(op, rs, { now: clock.now });
    await auth.getAccessToken();
    const rounds = 5;
    for (let round = 0; round < rounds; round++) {
      clock.advance(ACCESS_TOKEN_LIFETIME_SECONDS + 1);
      await Promise.all([
        ...Array.from({ length: 30 }, () => auth.getAccessToken()),
        ...Array.from({ length: 10 }, (_, i) => auth.fetch(`/api/v3/rules/eval?round=${round}&i=${i}`, { method: 'POST', body: '{}' })),
      ]);
      await Promise.all(Array.from({ length: 10 }, () => auth.getAccessToken({ forceRefresh: true })));
    }
    expect(op.stats).toMatchObject({ password: 1, refresh: rounds * 2, failedGrants: 0, failures: [], revokedGrants: 0 });
    expect(await op.isActive(await auth.getAccessToken())).toBe(true);
    expect(rs.rejected).toEqual([]);
  });

  it('after the provider ended the grant, auth.fetch logs in again and replays, with one extra login', async () => {
    const { provider: op, api: rs } = await start({ rotateRefreshTokens: true });
    const auth = createClient(op, rs);
    expect((await auth.fetch('/api/v3/rules/eval', { method: 'POST', body: '{}' })).status).toBe(200);
    await op.endAllGrants();

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => auth.fetch(`/api/v3/rules/eval?i=${i}`, { method: 'POST', body: `{"i":${i}}` })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(op.stats.password).toBe(2);
    expect(op.stats.refresh).toBe(0);
    expect(op.stats.failures).toEqual(['grant not found']);
  });

  it('refuses a wrong password once, typed, without retrying it', async () => {
    const { provider: op, api: rs } = await start();
    const auth = createClient(op, rs, { password: 'canary-wrong-password' });
    const error = await auth.fetch('/api/v3/rules/eval').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiaxAuthError);
    expect(error).toMatchObject({ code: 'invalid_credentials', retryable: false });
    expect(JSON.stringify(error) + String(error)).not.toContain('canary-wrong-password');
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(op.stats.failedGrants).toBe(1);
    expect(rs.accepted).toEqual([]);
    expect(rs.rejected).toEqual([]);
  });
});
