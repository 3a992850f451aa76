import { describe, expect, it } from 'vitest';
import { ApiaxAuthError } from '../src/index.js';
import { hostileClient, html, json, startHostileServer } from './support/hostile-server.js';

// Issue 13 item 4: behind a proxy that rewrites error pages, Keycloak's 401 JSON became an HTML
// page, and the wrong password was retried as "transient": 300 attempts a minute under load.
describe('a 4xx answer to a password grant is a rejection, whatever its content type', () => {
  it.each([
    [401, 'text/html'],
    [400, 'text/html'],
    [403, 'text/html'],
    [401, 'text/plain'],
    [401, 'application/json (no error field)'],
  ])('HTTP %i as %s: one attempt, invalid_credentials, then a cooldown under a minute of load', async (status, kind) => {
    const script =
      kind === 'text/html'
        ? html(status)
        : kind === 'text/plain'
          ? (_: unknown, response: import('node:http').ServerResponse) => {
              response.writeHead(status, { 'content-type': 'text/plain' });
              response.end('Unauthorized');
            }
          : json(status, { message: 'Unauthorized' });
    const server = await startHostileServer(script);
    let now = Date.UTC(2026, 0, 1);
    const auth = hostileClient(server, { now: () => now });
    const codes = new Set<string>();
    // A minute of load: 300 calls, 5 a second, each from a request that wants a token.
    for (let call = 0; call < 300; call += 1) {
      await auth.getAccessToken().catch((error: unknown) => {
        expect(error).toBeInstanceOf(ApiaxAuthError);
        codes.add((error as ApiaxAuthError).code);
      });
      now += 200;
    }
    const passwordAttempts = server.requests.filter((request) => request.form.get('grant_type') === 'password').length;
    console.info(`HTTP ${status} ${kind}: ${passwordAttempts} password attempts in a minute of 300 calls`);
    expect(passwordAttempts).toBe(1);
    expect([...codes]).toEqual(['invalid_credentials']);
    expect(auth.status().lastError?.code).toBe('invalid_credentials');
  });

  it('429 from a proxy stays transient: retried with backoff (it judged no credentials)', async () => {
    const server = await startHostileServer(html(429, 'Too Many Requests'));
    const auth = hostileClient(server, { maxRetries: 2 });
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'server_error', status: 429, retryable: true });
    expect(server.requests).toHaveLength(3);
  });

  it('a refresh answered 401 HTML is retried as a refresh: it sends no password, so nothing can lock', async () => {
    const server = await startHostileServer(
      json(200, { access_token: 'at-1', token_type: 'bearer', expires_in: 60, refresh_token: 'rt-1', refresh_expires_in: 600 }),
    );
    let now = Date.UTC(2026, 0, 1);
    const auth = hostileClient(server, { now: () => now, maxRetries: 1 });
    await auth.getAccessToken();
    server.script(html(401));
    now += 60_000;
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_response', status: 401 });
    expect(server.requests.slice(1).map((request) => request.form.get('grant_type'))).toEqual(['refresh_token', 'refresh_token']);
  });
});
