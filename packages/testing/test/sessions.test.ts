import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SessionRegistry, type SessionSettings } from '../src/sessions.js';

const START = Date.UTC(2030, 0, 1);
const settings = (overrides: Partial<SessionSettings> = {}): SessionSettings => ({
  accessTokenLifetimeSeconds: 1800,
  ssoSessionMaxSeconds: 1_209_600,
  ssoSessionIdleSeconds: 1_209_600,
  rotateRefreshTokens: false,
  ...overrides,
});

describe('SessionRegistry (Keycloak’s session model, pure over time)', () => {
  it('property: refresh_expires_in counts down from the login, expires_in never outlives the session', () => {
    fc.assert(
      fc.property(
        fc.record({
          lifetime: fc.integer({ min: 1, max: 7200 }),
          max: fc.integer({ min: 60, max: 1_209_600 }),
          idleExtra: fc.integer({ min: 0, max: 1_209_600 }),
        }),
        fc.array(fc.integer({ min: 0, max: 200_000 }), { maxLength: 30 }),
        ({ lifetime, max, idleExtra }, steps) => {
          // Idle at least as long as Max: only Session Max can end the session here.
          const registry = new SessionRegistry(
            settings({ accessTokenLifetimeSeconds: lifetime, ssoSessionMaxSeconds: max, ssoSessionIdleSeconds: max + idleExtra }),
          );
          const first = registry.login('demo', 'integration-api', START);
          expect(first.refreshExpiresIn).toBe(max);
          expect(first.expiresIn).toBe(Math.min(lifetime, max));
          let token = first.refreshToken;
          let elapsed = 0;
          for (const step of steps) {
            elapsed += step;
            const now = START + elapsed * 1000;
            const lookup = registry.checkRefreshToken(token, 'integration-api', now);
            if (elapsed >= max) {
              expect(lookup).toMatchObject({ ok: false, error: { description: 'Token is not active' } });
              return;
            }
            expect(lookup.ok).toBe(true);
            if (!lookup.ok) return;
            const issued = registry.refresh(lookup.session, now);
            expect(issued.refreshExpiresIn).toBe(max - elapsed);
            expect(issued.expiresIn).toBe(Math.min(lifetime, max - elapsed));
            expect(issued.expiresIn).toBeLessThanOrEqual(issued.refreshExpiresIn);
            token = issued.refreshToken;
          }
        },
      ),
    );
  });

  it('property: with rotation, any reuse of an older token ends the session for good', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.nat(), (refreshes, pick) => {
        const registry = new SessionRegistry(settings({ rotateRefreshTokens: true }));
        const tokens = [registry.login('demo', 'c', START).refreshToken];
        for (let i = 0; i < refreshes; i += 1) {
          const lookup = registry.checkRefreshToken(tokens.at(-1)!, 'c', START);
          if (!lookup.ok) throw new Error('newest token refused');
          tokens.push(registry.refresh(lookup.session, START).refreshToken);
        }
        const stale = tokens[pick % (tokens.length - 1)]!;
        expect(registry.checkRefreshToken(stale, 'c', START)).toMatchObject({
          ok: false,
          error: { description: 'Maximum allowed refresh token reuse exceeded' },
        });
        expect(registry.checkRefreshToken(tokens.at(-1)!, 'c', START)).toMatchObject({
          ok: false,
          error: { description: 'Session not active' },
        });
        expect(registry.countActive(START)).toBe(0);
      }),
    );
  });

  it('checks in Keycloak’s order: unknown, expired, other client, ended', () => {
    const registry = new SessionRegistry(settings({ ssoSessionMaxSeconds: 100 }));
    const { refreshToken, session } = registry.login('demo', 'a', START);
    expect(registry.checkRefreshToken('nope', 'a', START)).toMatchObject({ error: { description: 'Invalid refresh token' } });
    expect(registry.checkRefreshToken(refreshToken, 'b', START)).toMatchObject({
      error: { description: "Invalid refresh token. Token client and authorized client don't match" },
    });
    registry.end(session);
    expect(registry.checkRefreshToken(refreshToken, 'a', START)).toMatchObject({ error: { description: 'Session not active' } });
    expect(registry.checkRefreshToken(refreshToken, 'a', START + 100_000)).toMatchObject({
      error: { description: 'Token is not active' },
    });
  });

  it('counts active sessions by the time it is given, and ends them per user', () => {
    const registry = new SessionRegistry(settings({ ssoSessionIdleSeconds: 60 }));
    registry.login('alice', 'c', START);
    registry.login('alice', 'c', START);
    registry.login('bob', 'c', START + 30_000);
    expect(registry.countActive(START + 30_000)).toBe(3);
    expect(registry.countActive(START + 60_000)).toBe(1);
    expect(registry.endSessions('bob')).toBe(1);
    expect(registry.countActive(START + 60_000)).toBe(0);
  });
});
