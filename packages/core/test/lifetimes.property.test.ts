import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UnsecuredJWT } from 'jose';
import { JWT_CLOCK_SKEW_ALLOWANCE_MS, toTokenRecord } from '../src/lifetimes.js';
import { ApiaxAuthError } from '../src/errors.js';
import type { TokenRecord } from '../src/store.js';

const receivedAtArb = fc.integer({ min: 1_500_000_000_000, max: 4_000_000_000_000 });
const secondsArb = fc.integer({ min: 1, max: 60 * 60 * 24 * 30 });
const tokenTypeArb = fc.constantFrom('bearer', 'Bearer', 'BEARER', 'bEaReR');

function jwt(claims: Record<string, number>): string {
  return new UnsecuredJWT(claims).encode();
}

function expectInvalidResponse(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiaxAuthError);
    expect((error as ApiaxAuthError).code).toBe('invalid_response');
    return;
  }
  throw new Error('expected invalid_response');
}

describe('toTokenRecord', () => {
  it('anchors expires_in on the local request time, whatever the token says', () => {
    fc.assert(
      fc.property(
        receivedAtArb,
        secondsArb,
        fc.integer({ min: 0, max: 2_000_000_000 }),
        tokenTypeArb,
        (receivedAt, expiresIn, iat, tokenType) => {
          // The JWT's own iat/exp come from another clock and must not matter.
          const accessToken = jwt({ iat, exp: iat + 5 });
          const record = toTokenRecord(
            { access_token: accessToken, token_type: tokenType, expires_in: expiresIn },
            { requestedAt: receivedAt },
          );
          expect(record.accessTokenExpiresAt).toBe(receivedAt + expiresIn * 1000);
          expect(record.obtainedAt).toBe(receivedAt);
          expect(record.sessionStartedAt).toBe(receivedAt);
          expect(record.accessTokenExpiresAt).toBeGreaterThan(record.obtainedAt);
        },
      ),
    );
  });

  it('accepts expires_in as a numeric string', () => {
    fc.assert(
      fc.property(receivedAtArb, secondsArb, (receivedAt, expiresIn) => {
        const record = toTokenRecord(
          { access_token: 'a.b.c', token_type: 'bearer', expires_in: String(expiresIn) },
          { requestedAt: receivedAt },
        );
        expect(record.accessTokenExpiresAt).toBe(receivedAt + expiresIn * 1000);
      }),
    );
  });

  it('reads expires_at in epoch seconds or milliseconds, telling them apart by magnitude', () => {
    fc.assert(
      fc.property(receivedAtArb, secondsArb, fc.boolean(), (receivedAt, lifetimeSeconds, inMilliseconds) => {
        const expiresAtMs = Math.ceil(receivedAt / 1000) * 1000 + lifetimeSeconds * 1000;
        const expires_at = inMilliseconds ? expiresAtMs : expiresAtMs / 1000;
        const record = toTokenRecord({ access_token: 'opaque', token_type: 'Bearer', expires_at }, { requestedAt: receivedAt });
        expect(record.accessTokenExpiresAt).toBe(expiresAtMs);
      }),
    );
  });

  it('prefers expires_in over expires_at over the JWT exp', () => {
    fc.assert(
      fc.property(receivedAtArb, secondsArb, secondsArb, (receivedAt, expiresIn, other) => {
        const expires_at = Math.floor(receivedAt / 1000) + other + 1;
        const accessToken = jwt({ iat: 1, exp: 1 + other + 7 });
        const both = toTokenRecord(
          { access_token: accessToken, token_type: 'bearer', expires_in: expiresIn, expires_at },
          { requestedAt: receivedAt },
        );
        expect(both.accessTokenExpiresAt).toBe(receivedAt + expiresIn * 1000);
        const atOnly = toTokenRecord({ access_token: accessToken, token_type: 'bearer', expires_at }, { requestedAt: receivedAt });
        expect(atOnly.accessTokenExpiresAt).toBe(expires_at * 1000);
      }),
    );
  });

  it('falls back to the JWT exp, as a duration from iat anchored on receipt, never past exp + the skew allowance', () => {
    fc.assert(
      fc.property(receivedAtArb, secondsArb, fc.integer({ min: -86_400, max: 86_400 }), (receivedAt, lifetime, skewSeconds) => {
        const serverNow = Math.floor(receivedAt / 1000) + skewSeconds;
        const accessToken = jwt({ iat: serverNow, exp: serverNow + lifetime });
        const absoluteExp = (serverNow + lifetime) * 1000;
        const body = { access_token: accessToken, token_type: 'bearer' };
        if (absoluteExp + JWT_CLOCK_SKEW_ALLOWANCE_MS <= receivedAt) {
          expectInvalidResponse(() => toTokenRecord(body, { requestedAt: receivedAt }));
          return;
        }
        const record = toTokenRecord(body, { requestedAt: receivedAt });
        // A server clock ahead of ours (or behind by less than the allowance) does not shift the lifetime...
        if (skewSeconds * 1000 >= -JWT_CLOCK_SKEW_ALLOWANCE_MS) expect(record.accessTokenExpiresAt).toBe(receivedAt + lifetime * 1000);
        // ...and no token is ever used past its own exp + the allowance.
        expect(record.accessTokenExpiresAt).toBeLessThanOrEqual(absoluteExp + JWT_CLOCK_SKEW_ALLOWANCE_MS);
        expect(record.accessTokenExpiresAt).toBeGreaterThan(receivedAt);
      }),
    );
  });

  // Issue 13 item 7: a response without expires_in carrying a token already dead by its own exp was
  // given a fresh `exp - iat` lifetime from now and sent.
  it('refuses a token that expired before it arrived (exp past beyond the skew allowance), whatever its iat', () => {
    fc.assert(
      fc.property(
        receivedAtArb,
        secondsArb,
        fc.integer({ min: Math.ceil(JWT_CLOCK_SKEW_ALLOWANCE_MS / 1000), max: 30 * 86_400 }),
        (receivedAt, lifetime, secondsPast) => {
          const exp = Math.floor(receivedAt / 1000) - secondsPast;
          const accessToken = jwt({ iat: exp - lifetime, exp });
          expectInvalidResponse(() => toTokenRecord({ access_token: accessToken, token_type: 'bearer' }, { requestedAt: receivedAt }));
        },
      ),
    );
  });

  it('uses an absolute JWT exp when there is no iat', () => {
    const receivedAt = 1_700_000_000_000;
    const accessToken = jwt({ exp: 1_700_000_600 });
    expect(toTokenRecord({ access_token: accessToken, token_type: 'bearer' }, { requestedAt: receivedAt }).accessTokenExpiresAt).toBe(
      1_700_000_600_000,
    );
  });

  it('takes refresh_expires_in as it comes; 0 means unknown (null)', () => {
    fc.assert(
      fc.property(receivedAtArb, secondsArb, fc.integer({ min: 0, max: 1_209_600 }), (receivedAt, expiresIn, refreshExpiresIn) => {
        const record = toTokenRecord(
          { access_token: 'x', token_type: 'bearer', expires_in: expiresIn, refresh_token: 'r', refresh_expires_in: refreshExpiresIn },
          { requestedAt: receivedAt },
        );
        expect(record.refreshToken).toBe('r');
        expect(record.refreshTokenExpiresAt).toBe(refreshExpiresIn === 0 ? null : receivedAt + refreshExpiresIn * 1000);
      }),
    );
  });

  it('carries the session start over a refresh, and the refresh token when none is sent', () => {
    fc.assert(
      fc.property(receivedAtArb, secondsArb, fc.integer({ min: 1, max: 1_000_000 }), (loginAt, expiresIn, later) => {
        const previous: TokenRecord = {
          accessToken: 'old',
          accessTokenExpiresAt: loginAt + 1_800_000,
          refreshToken: 'old-refresh',
          refreshTokenExpiresAt: loginAt + 1_209_600_000,
          obtainedAt: loginAt,
          sessionStartedAt: loginAt,
        };
        const receivedAt = loginAt + later;
        const kept = toTokenRecord(
          { access_token: 'new', token_type: 'bearer', expires_in: expiresIn },
          { requestedAt: receivedAt, previous },
        );
        expect(kept.sessionStartedAt).toBe(loginAt);
        expect(kept.refreshToken).toBe('old-refresh');
        expect(kept.refreshTokenExpiresAt).toBe(previous.refreshTokenExpiresAt);
        const rotated = toTokenRecord(
          { access_token: 'new', token_type: 'bearer', expires_in: expiresIn, refresh_token: 'new-refresh' },
          { requestedAt: receivedAt, previous },
        );
        expect(rotated.refreshToken).toBe('new-refresh');
        expect(rotated.refreshTokenExpiresAt).toBeNull();
      }),
    );
  });

  it('refuses malformed responses with invalid_response, never echoing their values', () => {
    const malformedBodies: unknown[] = [
      null,
      'eyJhbGciOiJIUzI1NiJ9.e30.secret',
      [],
      {},
      { access_token: '', token_type: 'bearer', expires_in: 10 },
      { access_token: 42, token_type: 'bearer', expires_in: 10 },
      { access_token: 'secret-token-value', expires_in: 10 },
      { access_token: 'secret-token-value', token_type: 'dpop', expires_in: 10 },
      { access_token: 'secret-token-value', token_type: 'bearer', expires_in: 0 },
      { access_token: 'secret-token-value', token_type: 'bearer', expires_in: -5 },
      { access_token: 'secret-token-value', token_type: 'bearer', expires_in: 'soon' },
      { access_token: 'secret-token-value', token_type: 'bearer', expires_in: Number.NaN },
      { access_token: 'secret-token-value', token_type: 'bearer' },
      { access_token: 'secret-token-value', token_type: 'bearer', expires_at: 1 },
      { access_token: 'secret-token-value', token_type: 'bearer', expires_in: 10, refresh_token: 5 },
      { access_token: 'secret-token-value', token_type: 'bearer', expires_in: 10, refresh_expires_in: -1 },
      { access_token: jwt({ iat: 5 }), token_type: 'bearer' },
    ];
    for (const body of malformedBodies) {
      expectInvalidResponse(() => toTokenRecord(body, { requestedAt: 1_700_000_000_000 }));
      try {
        toTokenRecord(body, { requestedAt: 1_700_000_000_000 });
      } catch (error) {
        expect(String((error as Error).message)).not.toContain('secret');
      }
    }
  });

  it('never yields an expiry at or before receipt, for any accepted response', () => {
    const bodyArb = fc.record(
      {
        expires_in: fc.option(fc.oneof(fc.integer({ min: -10, max: 100_000 }), fc.double({ noNaN: false })), { nil: undefined }),
        expires_at: fc.option(fc.integer({ min: 0, max: 5_000_000_000_000 }), { nil: undefined }),
        refresh_expires_in: fc.option(fc.integer({ min: -10, max: 2_000_000 }), { nil: undefined }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(receivedAtArb, bodyArb, (receivedAt, extra) => {
        let record: TokenRecord;
        try {
          record = toTokenRecord({ access_token: 'opaque', token_type: 'bearer', ...extra }, { requestedAt: receivedAt });
        } catch (error) {
          expect((error as ApiaxAuthError).code).toBe('invalid_response');
          return;
        }
        expect(record.accessTokenExpiresAt).toBeGreaterThan(receivedAt);
        if (record.refreshTokenExpiresAt !== null) expect(record.refreshTokenExpiresAt).toBeGreaterThanOrEqual(receivedAt);
        expect(Number.isInteger(record.accessTokenExpiresAt)).toBe(true);
      }),
    );
  });
});

describe('toTokenRecord: anchored on the request, not the receipt', () => {
  it('counts expires_in and refresh_expires_in from when the request was sent', () => {
    fc.assert(
      fc.property(receivedAtArb, fc.integer({ min: 61, max: 100_000 }), (requestedAt, expiresIn) => {
        const record = toTokenRecord(
          { access_token: 'x', token_type: 'bearer', expires_in: expiresIn, refresh_token: 'r', refresh_expires_in: expiresIn * 2 },
          { requestedAt },
        );
        expect(record.accessTokenExpiresAt).toBe(requestedAt + expiresIn * 1000);
        expect(record.refreshTokenExpiresAt).toBe(requestedAt + expiresIn * 2000);
        expect(record.obtainedAt).toBe(requestedAt);
      }),
    );
  });
});
