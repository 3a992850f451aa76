import { describe, expect, it } from 'vitest';
import { callApi, login, refresh, startFake } from './support/helpers.js';

describe('refresh token rotation ("Revoke Refresh Token")', () => {
  it('accepts each newest token in turn', async () => {
    const fake = await startFake({ rotateRefreshTokens: true });
    let token: string = (await login(fake)).body.refresh_token;
    for (let i = 0; i < 3; i += 1) {
      const { status, body } = await refresh(fake, token);
      expect(status).toBe(200);
      token = body.refresh_token;
    }
    expect(fake.stats).toMatchObject({ refresh: 3, failedRefreshes: 0, activeSessions: 1 });
  });

  it('ends the whole session when a rotated token is reused: the newest token fails too', async () => {
    const fake = await startFake({ rotateRefreshTokens: true });
    const first = await login(fake);
    const second = await refresh(fake, first.body.refresh_token);
    expect(second.status).toBe(200);

    expect(await refresh(fake, first.body.refresh_token)).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Maximum allowed refresh token reuse exceeded' },
    });
    expect(await refresh(fake, second.body.refresh_token)).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Session not active' },
    });
    expect(fake.stats.activeSessions).toBe(0);
    expect((await callApi(fake, second.body.access_token)).status).toBe(401);
  });

  it('ends the session when two refreshes race with the same token', async () => {
    const fake = await startFake({ rotateRefreshTokens: true, tokenLatencyMs: 500 });
    const { body } = await login(fake);
    const results = await Promise.all([refresh(fake, body.refresh_token), refresh(fake, body.refresh_token)]);
    expect(results.map((result) => result.status).sort()).toEqual([200, 400]);
    const winner = results.find((result) => result.status === 200)!;
    expect(await refresh(fake, winner.body.refresh_token)).toMatchObject({
      status: 400,
      body: { error_description: 'Session not active' },
    });
    expect(fake.stats.maxConcurrentRefreshes).toBe(2);
  });

  it('keeps old tokens valid when rotation is off (Keycloak’s default)', async () => {
    const fake = await startFake();
    const first = await login(fake);
    expect((await refresh(fake, first.body.refresh_token)).status).toBe(200);
    expect((await refresh(fake, first.body.refresh_token)).status).toBe(200);
  });
});
