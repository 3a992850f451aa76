import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { ALICE_AND_BOB, login, oidcConfig, passwordGrant, postForm, refresh, startFake } from './support/helpers.js';

describe('fault injection on the token endpoint', () => {
  it.each([502, 503, 504] as const)('answers an HTML %i page, then the normal answer', async (status) => {
    const fake = await startFake();
    fake.fail({ type: 'html', status });
    const faulted = await postForm(fake.tokenEndpoint, {
      grant_type: 'password',
      client_id: 'integration-api',
      username: 'demo',
      password: 'demo',
    });
    expect(faulted.status).toBe(status);
    expect(faulted.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await faulted.text()).toMatch(new RegExp(`<title>${status} `));
    expect((await login(fake)).status).toBe(200);
    expect(fake.stats).toMatchObject({ tokenRequests: 2, password: 1, failedLogins: 0 });
    expect(fake.requests.filter((entry) => entry.endpoint === 'token').map((entry) => entry.status)).toEqual([status, 200]);
  });

  it('makes openid-client fail on the HTML page without a ResponseBodyError (it is not an OAuth error)', async () => {
    const fake = await startFake();
    fake.fail({ type: 'html', status: 503 });
    const failure = await passwordGrant(fake).catch((cause: unknown) => cause);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(client.ResponseBodyError);
  });

  it('answers 500 unknown_error for a server-error fault', async () => {
    const fake = await startFake();
    fake.fail({ type: 'server-error' });
    const { status, body, response } = await login(fake);
    expect(status).toBe(500);
    expect(body).toEqual({ error: 'unknown_error', error_description: 'For more on this error consult the server log.' });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('clearFaults() ends an outage queued with a large count', async () => {
    const fake = await startFake();
    fake.fail({ type: 'html', status: 503 }, 1_000_000);
    expect((await postForm(fake.tokenEndpoint, { grant_type: 'password' })).status).toBe(503);
    expect((await postForm(fake.tokenEndpoint, { grant_type: 'password' })).status).toBe(503);
    fake.clearFaults();
    expect((await login(fake)).status).toBe(200);
    expect(fake.stats).toMatchObject({ tokenRequests: 3, password: 1 });
  });

  it('fails exactly the next `count` requests, in order, then recovers', async () => {
    const fake = await startFake();
    fake.fail({ type: 'html', status: 502 }, 2);
    fake.fail({ type: 'server-error' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const response = await postForm(fake.tokenEndpoint, {
        grant_type: 'password',
        client_id: 'integration-api',
        username: 'demo',
        password: 'demo',
      });
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    expect(statuses).toEqual([502, 502, 500, 200]);
    expect(fake.stats).toMatchObject({ tokenRequests: 4, password: 1 });
  });

  it('delays the answer, then answers normally', async () => {
    const fake = await startFake();
    fake.fail({ type: 'delay', ms: 300 });
    const started = performance.now();
    const { status } = await login(fake);
    expect(status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('lets a client time out on a delayed answer', async () => {
    const fake = await startFake();
    fake.fail({ type: 'delay', ms: 5_000 });
    const failure = await postForm(
      fake.tokenEndpoint,
      { grant_type: 'password', client_id: 'integration-api', username: 'demo', password: 'demo' },
      { signal: AbortSignal.timeout(100) },
    ).catch((cause: unknown) => cause);
    expect((failure as Error).name).toBe('TimeoutError');
  });

  it('drops the connection without an answer', async () => {
    const fake = await startFake();
    fake.fail({ type: 'drop' });
    const failure = await login(fake).catch((cause: unknown) => cause);
    expect(failure).toBeInstanceOf(TypeError); // fetch failed
    expect(fake.requests.at(-1)).toMatchObject({ endpoint: 'token', status: 0 });
    expect((await login(fake)).status).toBe(200);
  });

  it('drops the answer after processing: a retried refresh then reuses a rotated token and ends the session', async () => {
    const fake = await startFake({ rotateRefreshTokens: true });
    const { body } = await login(fake);
    fake.fail({ type: 'drop', afterProcessing: true });
    expect(await refresh(fake, body.refresh_token).catch((cause: unknown) => cause)).toBeInstanceOf(TypeError);
    expect(fake.stats).toMatchObject({ refresh: 1, failedRefreshes: 0 });
    expect(fake.requests.at(-1)).toMatchObject({ endpoint: 'token', grantType: 'refresh_token', username: 'demo', status: 0 });
    // The server rotated the token although the client never saw the new one.
    expect(await refresh(fake, body.refresh_token)).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Maximum allowed refresh token reuse exceeded' },
    });
    expect(fake.stats.activeSessions).toBe(0);
  });

  it('drops a login’s answer after processing: the session exists, the client has no token', async () => {
    const fake = await startFake();
    fake.fail({ type: 'drop', afterProcessing: true });
    expect(await login(fake).catch((cause: unknown) => cause)).toBeInstanceOf(TypeError);
    expect(fake.stats).toMatchObject({ password: 1, activeSessions: 1 });
  });

  it('applies faults to refresh grants too', async () => {
    const fake = await startFake();
    const tokens = await passwordGrant(fake);
    fake.fail({ type: 'html', status: 504 });
    await expect(client.refreshTokenGrant(oidcConfig(fake), tokens.refresh_token!)).rejects.toThrow();
    const refreshed = await client.refreshTokenGrant(oidcConfig(fake), tokens.refresh_token!);
    expect(refreshed.access_token).toEqual(expect.any(String));
    expect(fake.stats).toMatchObject({ refresh: 1, failedRefreshes: 0 });
  });

  it('refuses malformed faults with a TypeError naming the field', async () => {
    const fake = await startFake();
    expect(() => fake.fail({ type: 'html', status: 418 } as never)).toThrow(/fault\.status/);
    expect(() => fake.fail({ type: 'delay', ms: -1 })).toThrow(/fault\.ms/);
    expect(() => fake.fail({ type: 'boom' } as never)).toThrow(/fault\.type/);
    expect(() => fake.fail({ type: 'drop' }, 1.5)).toThrow(/count/);
    expect(() => fake.fail({ type: 'drop', afterProcessing: 'yes' } as never)).toThrow(/fault\.afterProcessing/);
  });

  it('slows every token answer with tokenLatencyMs', async () => {
    const fake = await startFake({ tokenLatencyMs: 200 });
    const started = performance.now();
    await login(fake);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });
});

describe('brute-force protection', () => {
  it('locks the user after maxFailures failures: even the right password gets 401 until unlock()', async () => {
    const fake = await startFake({ bruteForce: { maxFailures: 3 } });
    for (let i = 0; i < 3; i += 1) {
      expect((await login(fake, { password: 'wrong' })).status).toBe(401);
    }
    expect(fake.isLocked('demo')).toBe(true);
    const locked = await login(fake);
    expect(locked.status).toBe(401);
    expect(locked.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid user credentials' });
    expect(fake.stats).toMatchObject({ failedLogins: 4, activeSessions: 0 });

    fake.unlock('demo');
    expect(fake.isLocked('demo')).toBe(false);
    expect((await login(fake)).status).toBe(200);
  });

  it('clears the failure count on a successful login', async () => {
    const fake = await startFake({ bruteForce: { maxFailures: 2 } });
    await login(fake, { password: 'wrong' });
    expect((await login(fake)).status).toBe(200);
    await login(fake, { password: 'wrong' });
    expect(fake.isLocked('demo')).toBe(false);
    expect((await login(fake)).status).toBe(200);
  });

  it('locks per user', async () => {
    const fake = await startFake({
      bruteForce: { maxFailures: 1 },
      users: ALICE_AND_BOB,
    });
    await login(fake, { username: 'alice', password: 'wrong' });
    expect(fake.isLocked('alice')).toBe(true);
    expect((await login(fake, { username: 'bob', password: 'b' })).status).toBe(200);
  });

  it('never locks with bruteForce: false', async () => {
    const fake = await startFake({ bruteForce: false });
    for (let i = 0; i < 10; i += 1) await login(fake, { password: 'wrong' });
    expect(fake.isLocked('demo')).toBe(false);
    expect((await login(fake)).status).toBe(200);
  });

  it('defaults to 5 failures', async () => {
    const fake = await startFake();
    for (let i = 0; i < 4; i += 1) await login(fake, { password: 'wrong' });
    expect(fake.isLocked('demo')).toBe(false);
    await login(fake, { password: 'wrong' });
    expect(fake.isLocked('demo')).toBe(true);
  });
});
