import { describe, expect, it } from 'vitest';
import type { ApiaxAuthError, ApiaxRetryEvent } from '../src/index.js';
import { settled, startHarness } from './support/harness.js';

/** Guarantee 6: transient failures are retried with backoff, bounded; a valid token keeps serving meanwhile. */
describe('guarantee 6: transient failures', () => {
  it.each([
    [{ type: 'html', status: 502 } as const, 'server_error', 502],
    [{ type: 'html', status: 503 } as const, 'server_error', 503],
    [{ type: 'html', status: 504 } as const, 'server_error', 504],
    [{ type: 'server-error' } as const, 'server_error', 500],
    [{ type: 'drop' } as const, 'unreachable', undefined],
  ])('%o is retried with backoff: the caller only sees success', async (fault, code, status) => {
    const { fake, client } = await startHarness();
    const auth = client();
    const retries: ApiaxRetryEvent[] = [];
    auth.on('retry', (event) => retries.push(event));
    fake.fail(fault, 2);
    await expect(auth.getAccessToken()).resolves.toMatch(/^eyJ/);
    expect(fake.stats.tokenRequests).toBe(3);
    expect(retries.map((event) => event.attempt)).toEqual([1, 2]);
    for (const event of retries) {
      expect(event.grant).toBe('password');
      expect(event.error.code).toBe(code);
      expect(event.error.retryable).toBe(true);
      expect(event.error.status).toBe(status);
      expect(event.delayMs).toBeGreaterThanOrEqual(0);
      expect(event.delayMs).toBeLessThanOrEqual(50);
    }
    expect(auth.status()).toMatchObject({ state: 'valid', lastError: null, grants: { password: 3 } });
  });

  it('a refused connection (ECONNREFUSED) is unreachable, retried, then reported', async () => {
    const { fake, client } = await startHarness();
    const closedPort = await import('node:net').then(
      ({ createServer }) =>
        new Promise<number>((resolve) => {
          const server = createServer();
          server.listen(0, '127.0.0.1', () => {
            const { port } = server.address() as { port: number };
            server.close(() => resolve(port));
          });
        }),
    );
    const auth = client({ tokenEndpoint: `http://127.0.0.1:${closedPort}/token`, maxRetries: 2 });
    const retries: ApiaxRetryEvent[] = [];
    auth.on('retry', (event) => retries.push(event));
    const error = await auth.getAccessToken().catch((failure: ApiaxAuthError) => failure);
    expect(error).toMatchObject({ name: 'ApiaxAuthError', code: 'unreachable', retryable: true });
    expect((error as ApiaxAuthError).message).toMatch(/ECONNREFUSED/);
    expect(retries.map((event) => event.error.code)).toEqual(['unreachable', 'unreachable']);
    expect(fake.stats.tokenRequests).toBe(0);
  });

  it('a token endpoint slower than requestTimeoutMs times out and is retried', async () => {
    const { fake, client } = await startHarness();
    const auth = client({ requestTimeoutMs: 200 });
    const retries: ApiaxRetryEvent[] = [];
    auth.on('retry', (event) => retries.push(event));
    fake.fail({ type: 'delay', ms: 3_000 }, 1);
    await expect(auth.getAccessToken()).resolves.toMatch(/^eyJ/);
    expect(retries).toHaveLength(1);
    expect(retries[0]!.error.code).toBe('timeout');
  });

  it('retries are bounded by maxRetries: then every waiting caller gets the last error', async () => {
    const { fake, client } = await startHarness();
    const auth = client({ maxRetries: 2 });
    fake.fail({ type: 'html', status: 503 }, 100);
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => auth.getAccessToken()));
    const errors = new Set(results.map((result) => (result as PromiseRejectedResult).reason as ApiaxAuthError));
    expect(errors.size).toBe(1);
    expect([...errors][0]).toMatchObject({ code: 'server_error', status: 503, retryable: true });
    expect(fake.stats.tokenRequests).toBe(3);
    expect(auth.status()).toMatchObject({ state: 'failed', lastError: { code: 'server_error' } });
    // Transient: the next call tries again (no cooldown).
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'server_error' });
    expect(fake.stats.tokenRequests).toBe(6);
  });

  it.each([
    [{ type: 'html', status: 502 } as const, 'server_error'],
    [{ type: 'server-error' } as const, 'server_error'],
    [{ type: 'drop' } as const, 'unreachable'],
    [{ type: 'delay', ms: 2_000 } as const, 'timeout'],
  ])(
    '%o during the refresh window: the still-valid token serves getAccessToken() and fetch, no caller sees a failure',
    async (fault, code) => {
      const { fake, clock, client } = await startHarness();
      const auth = client({ requestTimeoutMs: 200 });
      const first = await auth.getAccessToken();
      const retries: ApiaxRetryEvent[] = [];
      auth.on('retry', (event) => retries.push(event));
      const errors: ApiaxAuthError[] = [];
      auth.on('error', (error) => errors.push(error));
      fake.fail(fault, 3);
      clock.advance(26 * 60);
      const tokens: string[] = [];
      const statuses: number[] = [];
      // Calls keep coming while the refresh fails and retries.
      while (retries.length < 3) {
        tokens.push(...(await Promise.all(Array.from({ length: 20 }, () => auth.getAccessToken()))));
        const response = await auth.fetch('/api/v3/rules/inspect', { method: 'POST', body: '{}' });
        statuses.push(response.status);
        await response.arrayBuffer();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(new Set(tokens)).toEqual(new Set([first]));
      expect(new Set(statuses)).toEqual(new Set([200]));
      await settled(auth);
      expect(retries.map((event) => [event.grant, event.error.code])).toEqual(Array(3).fill(['refresh', code]));
      expect(errors).toEqual([]);
      const second = await auth.getAccessToken();
      expect(second).not.toBe(first);
      // (A delayed request may still be processed after the client gave up on it: count what was sent.)
      expect(fake.stats).toMatchObject({ password: 1, tokenRequests: 5, rejectedApiCalls: 0 });
      expect(auth.status()).toMatchObject({ state: 'valid', lastError: null, grants: { password: 1, refresh: 4 } });
    },
  );

  it('when the background refresh gives up, the valid token still serves; error event, then a later retry succeeds', async () => {
    const { fake, clock, client } = await startHarness();
    const auth = client({ maxRetries: 1, retryMaxDelayMs: 20 });
    const errors: ApiaxAuthError[] = [];
    auth.on('error', (error) => errors.push(error));
    const first = await auth.getAccessToken();
    fake.fail({ type: 'server-error' }, 2);
    clock.advance(26 * 60);
    expect(await auth.getAccessToken()).toBe(first);
    await settled(auth);
    expect(errors.map((error) => error.code)).toEqual(['server_error']);
    expect(auth.status()).toMatchObject({ state: 'valid', lastError: { code: 'server_error' } });
    // After the pause (on the client's clock), a later call starts a new background refresh, which succeeds.
    clock.advance(0.05);
    expect(await auth.getAccessToken()).toBe(first);
    await settled(auth);
    expect(await auth.getAccessToken()).not.toBe(first);
    expect(auth.status().lastError).toBeNull();
  });

  it('an HTML page with status 200 is an invalid_response, retried', async () => {
    const { fake, client } = await startHarness();
    let served = false;
    const auth = client({
      fetch: async (input, init) => {
        if (!served && String(input).endsWith('/token')) {
          served = true;
          return new Response('<html>maintenance</html>', { status: 200, headers: { 'content-type': 'text/html' } });
        }
        return globalThis.fetch(input, init);
      },
    });
    const retries: ApiaxRetryEvent[] = [];
    auth.on('retry', (event) => retries.push(event));
    await expect(auth.getAccessToken()).resolves.toMatch(/^eyJ/);
    expect(retries.map((event) => event.error.code)).toEqual(['invalid_response']);
    expect(fake.stats.tokenRequests).toBe(1);
  });

  it('honours Retry-After from a proxy (capped by retryMaxDelayMs)', async () => {
    const { client } = await startHarness();
    let failures = 0;
    const auth = client({
      retryMaxDelayMs: 300,
      fetch: async (input, init) => {
        if (failures === 0 && String(input).endsWith('/token')) {
          failures += 1;
          return new Response('busy', { status: 503, headers: { 'retry-after': '120', 'content-type': 'text/plain' } });
        }
        return globalThis.fetch(input, init);
      },
    });
    const retries: ApiaxRetryEvent[] = [];
    auth.on('retry', (event) => retries.push(event));
    await auth.getAccessToken();
    expect(retries[0]!.delayMs).toBe(300);
  });
});
