import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../src/index.js';
import { ALICE_AND_BOB, callApi, login, refresh, startFake } from './support/helpers.js';

const DAY = 86_400;
const SESSION_NOT_ACTIVE = { error: 'invalid_grant', error_description: 'Session not active' };
const TOKEN_NOT_ACTIVE = { error: 'invalid_grant', error_description: 'Token is not active' };

describe('SSO Session Max (14 days from the password login)', () => {
  it('counts refresh_expires_in down across refreshes, never resetting it', async () => {
    const clock = createTestClock(Date.UTC(2030, 0, 1));
    const fake = await startFake({ now: clock.now });
    const first = await login(fake);
    expect(first.body.refresh_expires_in).toBe(14 * DAY);

    let refreshToken: string = first.body.refresh_token;
    let previous = 14 * DAY;
    for (const step of [1800, 3 * DAY, 5 * DAY, DAY + 17]) {
      clock.advance(step);
      const { status, body } = await refresh(fake, refreshToken);
      expect(status).toBe(200);
      expect(body.refresh_expires_in).toBe(previous - step);
      expect(body.expires_in).toBe(1800);
      previous = body.refresh_expires_in;
      refreshToken = body.refresh_token;
    }
  });

  it('caps expires_in (and the JWT exp) at what is left of the session', async () => {
    const clock = createTestClock(Date.UTC(2030, 0, 1));
    const fake = await startFake({ now: clock.now });
    const { body } = await login(fake);
    clock.advance(14 * DAY - 600);
    const near = await refresh(fake, body.refresh_token);
    expect(near.status).toBe(200);
    expect(near.body.expires_in).toBe(600);
    expect(near.body.refresh_expires_in).toBe(600);
    const claims = decodeJwt(near.body.access_token);
    expect(claims.exp! - claims.iat!).toBe(600);
  });

  it('refuses the refresh token once 14 days are reached: "Token is not active"', async () => {
    const clock = createTestClock(Date.UTC(2030, 0, 1));
    const fake = await startFake({ now: clock.now });
    const { body } = await login(fake);
    clock.advance(14 * DAY - 1);
    const lastGood = await refresh(fake, body.refresh_token);
    expect(lastGood.status).toBe(200);
    clock.advance(1);
    expect(await refresh(fake, lastGood.body.refresh_token)).toEqual({ status: 400, body: TOKEN_NOT_ACTIVE });
    expect(fake.stats.activeSessions).toBe(0);
    // The credentials still work: a new login starts a new 14-day session.
    const again = await login(fake);
    expect(again.body.refresh_expires_in).toBe(14 * DAY);
  });

  it('honours a short ssoSessionMaxSeconds', async () => {
    const clock = createTestClock();
    const fake = await startFake({ now: clock.now, ssoSessionMaxSeconds: 3600, accessTokenLifetimeSeconds: 1800 });
    const { body } = await login(fake);
    expect(body).toMatchObject({ expires_in: 1800, refresh_expires_in: 3600 });
    clock.advance(2700);
    const late = await refresh(fake, body.refresh_token);
    expect(late.body).toMatchObject({ expires_in: 900, refresh_expires_in: 900 });
  });
});

describe('SSO Session Idle', () => {
  it('ends a session not refreshed within the idle timeout, and a refresh restarts the timer', async () => {
    const clock = createTestClock(Date.UTC(2030, 0, 1));
    const fake = await startFake({ now: clock.now, ssoSessionIdleSeconds: 3600 });
    const { body } = await login(fake);
    expect(body.refresh_expires_in).toBe(3600);

    clock.advance(3000);
    const kept = await refresh(fake, body.refresh_token);
    expect(kept.status).toBe(200);
    expect(kept.body.refresh_expires_in).toBe(3600); // idle restarts; still far from Session Max

    clock.advance(3600);
    expect(await refresh(fake, kept.body.refresh_token)).toEqual({ status: 400, body: TOKEN_NOT_ACTIVE });
    expect(fake.stats.activeSessions).toBe(0);
  });

  it('makes the API refuse an unexpired access token of an idle-expired session', async () => {
    const clock = createTestClock();
    const fake = await startFake({ now: clock.now, ssoSessionIdleSeconds: 600, accessTokenLifetimeSeconds: 1800 });
    const { body } = await login(fake);
    expect((await callApi(fake, body.access_token)).status).toBe(200);
    clock.advance(601);
    expect((await callApi(fake, body.access_token)).status).toBe(401);
  });
});

describe('access token lifetime', () => {
  it('expires access tokens by the fake’s clock, not the wall clock', async () => {
    const clock = createTestClock();
    const fake = await startFake({ now: clock.now, accessTokenLifetimeSeconds: 60 });
    const { body } = await login(fake);
    expect(body.expires_in).toBe(60);
    clock.advance(59);
    expect((await callApi(fake, body.access_token)).status).toBe(200);
    clock.advance(1);
    expect((await callApi(fake, body.access_token)).status).toBe(401);
  });

  it('moves with fake.advance() when no clock is shared', async () => {
    const fake = await startFake();
    const { body } = await login(fake);
    const before = fake.now();
    fake.advance(1800);
    expect(fake.now() - before).toBeGreaterThanOrEqual(1_800_000);
    expect((await callApi(fake, body.access_token)).status).toBe(401);
    const refreshed = await refresh(fake, body.refresh_token);
    expect(refreshed.body.refresh_expires_in).toBeLessThanOrEqual(14 * DAY - 1800);
  });
});

describe('ended sessions', () => {
  it('answers "Session not active" after an admin ends every session; the API refuses their tokens', async () => {
    const fake = await startFake();
    const a = await login(fake);
    const b = await login(fake);
    expect(fake.stats.activeSessions).toBe(2);
    fake.endAllSessions();
    expect(fake.stats.activeSessions).toBe(0);
    expect(await refresh(fake, a.body.refresh_token)).toEqual({ status: 400, body: SESSION_NOT_ACTIVE });
    expect(await refresh(fake, b.body.refresh_token)).toEqual({ status: 400, body: SESSION_NOT_ACTIVE });
    const api = await callApi(fake, a.body.access_token);
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('revokeSessions(username) ends only that user’s sessions', async () => {
    const fake = await startFake({
      users: ALICE_AND_BOB,
    });
    const alice = await login(fake, { username: 'alice', password: 'a' });
    const bob = await login(fake, { username: 'bob', password: 'b' });
    fake.revokeSessions('alice');
    expect(await refresh(fake, alice.body.refresh_token)).toEqual({ status: 400, body: SESSION_NOT_ACTIVE });
    expect((await refresh(fake, bob.body.refresh_token)).status).toBe(200);
    expect(fake.stats.activeSessions).toBe(1);
  });
});
