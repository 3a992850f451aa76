import { describe, expect, it } from 'vitest';
import { JWT_CLOCK_SKEW_ALLOWANCE_MS } from '../src/lifetimes.js';
import { hostileClient, json, startHostileServer, unsignedJwt } from './support/hostile-server.js';

// Issue 13 item 7: without expires_in, `exp - iat` was taken as a lifetime starting now, so a token
// dead by its own exp (a cached or replayed answer) was sent for another `exp - iat`.
describe('a token already expired by its own exp is never used', () => {
  it('an answer without expires_in whose JWT exp is an hour past: invalid_response, the token is never handed out', async () => {
    const now = Date.UTC(2026, 0, 1, 12);
    const nowSeconds = now / 1000;
    const stale = unsignedJwt({ iat: nowSeconds - 2 * 3600, exp: nowSeconds - 3600, sub: 'demo' });
    const server = await startHostileServer(json(200, { access_token: stale, token_type: 'bearer' }));
    const auth = hostileClient(server, { now: () => now, maxRetries: 1 });
    const error = await auth.getAccessToken().then(
      (token) => ({ token }),
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ code: 'invalid_response', message: expect.stringContaining('expired before it arrived') });
    expect(server.requests).toHaveLength(2);
  });

  it('within the skew allowance a slightly-late server clock is tolerated, and the token is never used past exp + allowance', async () => {
    const now = Date.UTC(2026, 0, 1, 12);
    const nowSeconds = now / 1000;
    // The server's clock is 10 minutes behind ours: its fresh 30-minute token "expires" 20 minutes from our now.
    const token = unsignedJwt({ iat: nowSeconds - 600, exp: nowSeconds + 1200 });
    const server = await startHostileServer(json(200, { access_token: token, token_type: 'bearer' }));
    const auth = hostileClient(server, { now: () => now });
    expect(await auth.getAccessToken()).toBe(token);
    expect(auth.status().accessTokenExpiresAt).toBe(now + 1200 * 1000 + JWT_CLOCK_SKEW_ALLOWANCE_MS);
  });
});
