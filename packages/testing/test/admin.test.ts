import { describe, expect, it } from 'vitest';
import type { FakeApiax } from '../src/index.js';
import {
  ALICE_AND_BOB,
  CLIENT_ID,
  callApi,
  expectKeycloakError,
  JWT_BEARER,
  login,
  postForm,
  refresh,
  rsaKeyPairs,
  signAssertion,
  startFake,
} from './support/helpers.js';

function admin(fake: FakeApiax, action: string, body?: unknown): Promise<Response> {
  const url = new URL(`/__fake/${action}`, fake.issuer);
  return body === undefined && action === 'stats'
    ? fetch(url)
    : fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
}

describe('admin endpoints over HTTP', () => {
  it('GET /__fake/stats returns the counters and the request log', async () => {
    const fake = await startFake();
    await login(fake);
    const response = await admin(fake, 'stats');
    expect(response.status).toBe(200);
    const stats = (await response.json()) as Record<string, any>;
    expect(stats).toMatchObject({ ...fake.stats, now: expect.any(Number) });
    expect(stats.requests).toEqual(fake.requests);
  });

  it('POST /__fake/advance moves the fake’s clock', async () => {
    const fake = await startFake({ accessTokenLifetimeSeconds: 60 });
    const { body } = await login(fake);
    const before = fake.now();
    const response = await admin(fake, 'advance', { seconds: 60 });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { now: number }).now).toBeGreaterThanOrEqual(before + 60_000);
    expect((await callApi(fake, body.access_token)).status).toBe(401);
  });

  it('POST /__fake/end-sessions and /__fake/revoke end sessions', async () => {
    const fake = await startFake({
      users: ALICE_AND_BOB,
    });
    const alice = await login(fake, { username: 'alice', password: 'a' });
    const bob = await login(fake, { username: 'bob', password: 'b' });
    expect((await admin(fake, 'revoke', { username: 'alice' })).status).toBe(200);
    expect((await refresh(fake, alice.body.refresh_token)).body.error_description).toBe('Session not active');
    expect((await refresh(fake, bob.body.refresh_token)).status).toBe(200);
    expect(await (await admin(fake, 'end-sessions')).json()).toEqual({ ended: 1 });
    expect(fake.stats.activeSessions).toBe(0);
  });

  it('POST /__fake/fail queues faults; /__fake/reset-stats zeroes the counters', async () => {
    const fake = await startFake();
    expect((await admin(fake, 'fail', { fault: { type: 'html', status: 503 }, count: 2 })).status).toBe(200);
    for (let i = 0; i < 2; i += 1) {
      const faulted = await postForm(fake.tokenEndpoint, { grant_type: 'password' });
      expect(faulted.status).toBe(503);
      expect(faulted.headers.get('content-type')).toMatch(/^text\/html/);
      await faulted.arrayBuffer();
    }
    expect(fake.requests.map((entry) => entry.status)).toEqual([503, 503]);
    expect((await login(fake)).status).toBe(200);
    expect((await admin(fake, 'reset-stats')).status).toBe(200);
    expect(fake.stats).toMatchObject({ tokenRequests: 0, password: 0, activeSessions: 1 });
    expect(fake.requests).toEqual([]);
  });

  it('POST /__fake/clear-faults ends an outage', async () => {
    const fake = await startFake();
    await admin(fake, 'fail', { fault: { type: 'html', status: 502 }, count: 100_000 });
    expect((await postForm(fake.tokenEndpoint, { grant_type: 'password' })).status).toBe(502);
    expect((await admin(fake, 'clear-faults')).status).toBe(200);
    expect((await login(fake)).status).toBe(200);
  });

  it('POST /__fake/unlock clears a lockout', async () => {
    const fake = await startFake({ bruteForce: { maxFailures: 1 } });
    await login(fake, { password: 'wrong' });
    expect(fake.isLocked('demo')).toBe(true);
    expect((await admin(fake, 'unlock', { username: 'demo' })).status).toBe(200);
    expect((await login(fake)).status).toBe(200);
  });

  it('answers bad admin requests with 400/404/405', async () => {
    const fake = await startFake();
    expect((await admin(fake, 'advance', { seconds: 'soon' })).status).toBe(400);
    expect((await admin(fake, 'fail', { fault: { type: 'nope' } })).status).toBe(400);
    expect((await admin(fake, 'revoke', {})).status).toBe(400);
    const notJson = await fetch(new URL('/__fake/advance', fake.issuer), { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
    expect((await admin(fake, 'nope', {})).status).toBe(404);
    expect((await fetch(new URL('/__fake/advance', fake.issuer))).status).toBe(405);
  });
});

describe('logout endpoint', () => {
  const logoutUrl = (fake: FakeApiax) => `${fake.issuer}/protocol/openid-connect/logout`;

  it('ends the session with 204, and answers 204 again when it is already gone', async () => {
    const fake = await startFake();
    const { body } = await login(fake);
    const first = await postForm(logoutUrl(fake), { client_id: CLIENT_ID, refresh_token: body.refresh_token });
    expect(first.status).toBe(204);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(fake.stats).toMatchObject({ logouts: 1, activeSessions: 0 });
    const again = await postForm(logoutUrl(fake), { client_id: CLIENT_ID, refresh_token: body.refresh_token });
    expect(again.status).toBe(204);
  });

  it('answers 204 for an expired refresh token (logout does not check expiry)', async () => {
    const fake = await startFake({ ssoSessionMaxSeconds: 60 });
    const { body } = await login(fake);
    fake.advance(120);
    expect((await postForm(logoutUrl(fake), { client_id: CLIENT_ID, refresh_token: body.refresh_token })).status).toBe(204);
  });

  it('answers 400 invalid_grant for a garbage token, invalid_request without one', async () => {
    const fake = await startFake();
    const garbage = await postForm(logoutUrl(fake), { client_id: CLIENT_ID, refresh_token: 'garbage' });
    await expectKeycloakError(garbage, 400, 'invalid_grant', 'Invalid refresh token');
    await expectKeycloakError(await postForm(logoutUrl(fake), { client_id: CLIENT_ID }), 400, 'invalid_request', 'No refresh token');
  });

  it('refuses an unknown client', async () => {
    const fake = await startFake();
    const { body } = await login(fake);
    const response = await postForm(logoutUrl(fake), { client_id: 'other', refresh_token: body.refresh_token });
    await expectKeycloakError(response, 401, 'unauthorized_client', 'Invalid client or Invalid client credentials');
    expect(fake.stats.activeSessions).toBe(1);
  });
});

describe('revocation endpoint', () => {
  const revokeUrl = (fake: FakeApiax) => `${fake.issuer}/protocol/openid-connect/revoke`;

  it('revoking a refresh token ends its session', async () => {
    const fake = await startFake();
    const { body } = await login(fake);
    const response = await postForm(revokeUrl(fake), {
      client_id: CLIENT_ID,
      token: body.refresh_token,
      token_type_hint: 'refresh_token',
    });
    expect(response.status).toBe(200);
    expect((await refresh(fake, body.refresh_token)).body.error_description).toBe('Session not active');
    expect(fake.stats).toMatchObject({ revocations: 1, activeSessions: 0 });
  });

  it('revoking an access token makes the API refuse it, while the session lives on', async () => {
    const fake = await startFake();
    const { body } = await login(fake);
    const response = await postForm(revokeUrl(fake), { client_id: CLIENT_ID, token: body.access_token });
    expect(response.status).toBe(200);
    expect((await callApi(fake, body.access_token)).status).toBe(401);
    expect((await refresh(fake, body.refresh_token)).status).toBe(200);
  });

  it('answers 200 for an unknown token, 400 invalid_request without one', async () => {
    const fake = await startFake();
    expect((await postForm(revokeUrl(fake), { client_id: CLIENT_ID, token: 'unknown' })).status).toBe(200);
    await expectKeycloakError(await postForm(revokeUrl(fake), { client_id: CLIENT_ID }), 400, 'invalid_request', 'Token not provided');
  });

  it('refuses a token of another client with 400 "Unmatching clients", revoking nothing', async () => {
    const [key] = rsaKeyPairs();
    const fake = await startFake({
      users: [
        { username: 'demo', password: 'demo' },
        { username: 'corp', password: 'corp-pass', assertion: { publicKey: key!.publicKey, subject: 'Corp' } },
      ],
    });
    const { body } = await login(fake);
    // The 2FA client (authenticated by its assertion) presents the 1FA client's tokens.
    for (const token of [body.refresh_token, body.access_token]) {
      const assertion = await signAssertion(key!.privateKey, { iss: 'Corp', sub: 'Corp', aud: fake.tokenEndpoint });
      const response = await postForm(revokeUrl(fake), { token, client_assertion_type: JWT_BEARER, client_assertion: assertion });
      await expectKeycloakError(response, 400, 'invalid_request', 'Unmatching clients');
    }
    expect((await callApi(fake, body.access_token)).status).toBe(200);
    expect((await refresh(fake, body.refresh_token)).status).toBe(200);
    expect(fake.stats).toMatchObject({ revocations: 0, activeSessions: 1 });
  });
});
