import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../src/index.js';
import { CLIENT_ID, expectKeycloakError, login, oidcConfig, passwordGrant, postForm, refresh, startFake } from './support/helpers.js';

describe('password grant', () => {
  it('answers Keycloak’s token response through openid-client', async () => {
    const fake = await startFake();
    const tokens = await passwordGrant(fake);
    expect(tokens).toMatchObject({
      token_type: 'bearer', // openid-client lower-cases it
      expires_in: 1800,
      refresh_expires_in: 1209600,
      'not-before-policy': 0,
      scope: 'profile email',
    });
    expect(tokens.refresh_token).toMatch(/^[\w-]{20,}$/);
    expect(tokens.session_state).toMatch(/^[0-9a-f-]{36}$/);
    expect(fake.stats).toMatchObject({ tokenRequests: 1, password: 1, failedLogins: 0, activeSessions: 1 });
  });

  it('sends token_type "Bearer", Cache-Control: no-store and JSON on the wire', async () => {
    const fake = await startFake();
    const { status, body, response } = await login(fake);
    expect(status).toBe(200);
    expect(body.token_type).toBe('Bearer');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('signs access tokens with the key published at /certs, with Keycloak’s claims', async () => {
    const clock = createTestClock(Date.UTC(2030, 0, 1));
    const fake = await startFake({ now: clock.now });
    const { body } = await login(fake);
    const jwks = createRemoteJWKSet(new URL(`${fake.issuer}/protocol/openid-connect/certs`));
    const { payload, protectedHeader } = await jwtVerify(body.access_token, jwks, {
      issuer: fake.issuer,
      currentDate: new Date(clock.now()),
    });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(protectedHeader.kid).toEqual(expect.any(String));
    const now = Math.floor(clock.now() / 1000);
    expect(payload).toMatchObject({
      iat: now,
      exp: now + 1800,
      typ: 'Bearer',
      azp: CLIENT_ID,
      preferred_username: 'demo',
      scope: 'profile email',
      sid: body.session_state,
      session_state: body.session_state,
    });
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload.sub).toEqual(expect.any(String));
  });

  it('serves the discovery document at the production path', async () => {
    const fake = await startFake();
    const response = await fetch(`${fake.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: fake.issuer,
      token_endpoint: fake.tokenEndpoint,
      end_session_endpoint: `${fake.issuer}/protocol/openid-connect/logout`,
      revocation_endpoint: `${fake.issuer}/protocol/openid-connect/revoke`,
      jwks_uri: `${fake.issuer}/protocol/openid-connect/certs`,
    });
    // openid-client's own discovery accepts it.
    const config = await client.discovery(new URL(fake.issuer), CLIENT_ID, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    expect(config.serverMetadata().token_endpoint).toBe(fake.tokenEndpoint);
  });

  it('puts the auth server and the API on separate origins, and env points at both', async () => {
    const fake = await startFake({ apiKeys: ['key-1', 'key-2'] });
    expect(new URL(fake.issuer).origin).not.toBe(new URL(fake.apiBaseUrl).origin);
    expect(fake.tokenEndpoint).toBe(`${fake.issuer}/protocol/openid-connect/token`);
    expect(fake.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\/realms\/apiax$/);
    expect(fake.env).toEqual({
      APIAX_ISSUER: fake.issuer,
      APIAX_TOKEN_URL: fake.tokenEndpoint,
      APIAX_API_URL: fake.apiBaseUrl,
      APIAX_USERNAME: 'demo',
      APIAX_PASSWORD: 'demo',
      APIAX_API_KEY: 'key-1',
    });
  });
});

describe('refresh grant', () => {
  it('answers a new refresh token through openid-client, the old one staying valid without rotation', async () => {
    const fake = await startFake();
    const first = await passwordGrant(fake);
    const second = await client.refreshTokenGrant(oidcConfig(fake), first.refresh_token!);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.session_state).toBe(first.session_state);
    expect(decodeJwt(second.access_token).sid).toBe(first.session_state);
    const third = await refresh(fake, first.refresh_token!);
    expect(third.status).toBe(200);
    expect(fake.stats).toMatchObject({ password: 1, refresh: 2, failedRefreshes: 0, activeSessions: 1 });
  });
});

// Each row of APIAX.md's error table is checked in full in error-table.test.ts; these are the answers around it.
describe('error answers', () => {
  it('surfaces as a ResponseBodyError in openid-client, with error and status', async () => {
    const fake = await startFake();
    const failure = await passwordGrant(fake, 'demo', 'wrong').catch((cause: unknown) => cause);
    expect(failure).toBeInstanceOf(client.ResponseBodyError);
    expect(failure).toMatchObject({ error: 'invalid_grant', error_description: 'Invalid user credentials', status: 401 });
    expect(fake.stats).toMatchObject({ password: 1, failedLogins: 1 });
  });

  it('answers a body without content type, and a malformed form, with invalid_request', async () => {
    const fake = await startFake();
    const untyped = await fetch(fake.tokenEndpoint, { method: 'POST', body: new Blob(['grant_type=password']) });
    await expectKeycloakError(untyped, 400, 'invalid_request', 'Missing form parameter: grant_type');
    const malformed = await postForm(fake.tokenEndpoint, {}, { body: '%%%&&&===' });
    await expectKeycloakError(malformed, 400, 'invalid_request', 'Missing form parameter: grant_type');
    expect(fake.stats).toMatchObject({ tokenRequests: 2, password: 0, activeSessions: 0 });
  });

  it('answers GET on the token endpoint with 405 and Allow: POST', async () => {
    const fake = await startFake();
    const response = await fetch(fake.tokenEndpoint);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('answers an unknown path with a 404 JSON body', async () => {
    const fake = await startFake();
    const response = await fetch(`${fake.issuer}/protocol/openid-connect/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
