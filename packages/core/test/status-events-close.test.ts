import { describe, expect, it } from 'vitest';
import { ApiaxAuthError, MemoryTokenStore, type ApiaxAuthStatus, type ApiaxTokenEvent } from '../src/index.js';
import { captureLogger, settled, startHarness } from './support/harness.js';

describe('status()', () => {
  it('walks signed-out → refreshing → valid → expired → refreshing → valid, as plain data', async () => {
    const { clock, client } = await startHarness({ tokenLatencyMs: 100 });
    const auth = client();
    const states: ApiaxAuthStatus['state'][] = [auth.status().state];
    const login = auth.getAccessToken();
    states.push(auth.status().state);
    await login;
    states.push(auth.status().state);
    const loginAt = clock.now();
    expect(auth.status()).toEqual({
      state: 'valid',
      accessTokenExpiresAt: loginAt + 1_800_000,
      refreshTokenExpiresAt: loginAt + 14 * 86_400_000,
      grants: { password: 1, refresh: 0 },
      lastError: null,
      health: 'up',
      store: 'local',
    });
    clock.advance(1800);
    states.push(auth.status().state);
    const refresh = auth.getAccessToken();
    states.push(auth.status().state);
    await refresh;
    states.push(auth.status().state);
    expect(states).toEqual(['signed-out', 'refreshing', 'valid', 'expired', 'refreshing', 'valid']);
    const snapshot = auth.status();
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(structuredClone(snapshot)).toEqual(snapshot);
    expect(snapshot.grants).toEqual({ password: 1, refresh: 1 });
  });

  it('reports failed with the last error after a rejection, and signed-out after close', async () => {
    const { client } = await startHarness();
    const auth = client({ password: 'wrong' });
    await expect(auth.getAccessToken()).rejects.toBeInstanceOf(ApiaxAuthError);
    expect(auth.status()).toMatchObject({ state: 'failed', accessTokenExpiresAt: null, lastError: { code: 'invalid_credentials' } });
    expect(typeof auth.status().lastError!.message).toBe('string');
    await auth.close();
    expect(auth.status().state).toBe('signed-out');
  });
});

describe('events', () => {
  it('token events say which grant and why, with expiries and no token', async () => {
    const { fake, clock, client } = await startHarness();
    const auth = client();
    const events: ApiaxTokenEvent[] = [];
    const off = auth.on('token', (event) => events.push(event));
    const first = await auth.getAccessToken();
    clock.advance(26 * 60);
    await auth.getAccessToken();
    await settled(auth);
    clock.advance(30 * 60);
    await auth.getAccessToken();
    await auth.getAccessToken({ forceRefresh: true });
    fake.revokeSessions('demo');
    await (await auth.fetch('/api/v3/rules/inspect', { method: 'POST', body: '{}' })).arrayBuffer();
    void first;
    expect(events.map((event) => `${event.grant}:${event.reason}`)).toEqual([
      'password:initial',
      'refresh:expiring',
      'refresh:expired',
      'refresh:forced',
      'password:relogin',
    ]);
    for (const event of events) {
      expect(Object.keys(event).sort()).toEqual(['accessTokenExpiresAt', 'at', 'grant', 'reason', 'refreshTokenExpiresAt']);
      expect(event.accessTokenExpiresAt).toBeGreaterThan(event.at);
    }
    off();
    off();
    await auth.getAccessToken({ forceRefresh: true });
    expect(events).toHaveLength(5);
  });

  it("an 'error' with no listener does not throw, and nothing goes unhandled", async () => {
    const { fake, clock, client } = await startHarness();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const auth = client({ maxRetries: 0 });
      const first = await auth.getAccessToken();
      fake.fail({ type: 'server-error' }, 5);
      clock.advance(26 * 60);
      // A background refresh fails with nobody listening: the caller still gets the current token.
      expect(await auth.getAccessToken()).toBe(first);
      await settled(auth);
      expect(auth.status().lastError?.code).toBe('server_error');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a throwing listener cannot break a grant; it is logged as a warning', async () => {
    const { client } = await startHarness();
    const logs = captureLogger();
    const auth = client({ logger: logs.logger });
    auth.on('token', () => {
      throw new Error('listener bug');
    });
    const received: string[] = [];
    auth.on('token', (event) => received.push(event.reason));
    await expect(auth.getAccessToken()).resolves.toMatch(/^eyJ/);
    expect(received).toEqual(['initial']);
    expect(logs.lines.some((line) => line.startsWith('warn') && line.includes('listener'))).toBe(true);
  });
});

describe('close()', () => {
  it('after close every call fails with closed, and close is idempotent', async () => {
    const { client } = await startHarness();
    const auth = client();
    await auth.getAccessToken();
    await Promise.all([auth.close(), auth.close()]);
    await auth.close({ logout: true });
    for (const call of [
      () => auth.getAccessToken(),
      () => auth.getAccessToken({ forceRefresh: true }),
      () => auth.fetch('/api/v3/rules/inspect'),
    ]) {
      await expect(call()).rejects.toMatchObject({ name: 'ApiaxAuthError', code: 'closed' });
    }
  });

  it('closing during a login: waiting callers get closed, and logout ends the session that login created', async () => {
    const { fake, client } = await startHarness({ tokenLatencyMs: 200 });
    const auth = client();
    const pending = Promise.allSettled([auth.getAccessToken(), auth.getAccessToken()]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await auth.close({ logout: true });
    const results = await pending;
    expect(results.map((result) => (result as PromiseRejectedResult).reason?.code)).toEqual(['closed', 'closed']);
    expect(fake.stats).toMatchObject({ password: 1, logouts: 1, activeSessions: 0 });
  });

  it('closing cuts a retry backoff short', async () => {
    const { fake, client } = await startHarness();
    const auth = client({ retryBaseDelayMs: 60_000, retryMaxDelayMs: 60_000 });
    fake.fail({ type: 'server-error' }, 10);
    const pending = auth.getAccessToken();
    while (fake.stats.tokenRequests === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const startedAt = Date.now();
    await auth.close();
    await expect(pending).rejects.toMatchObject({ code: 'closed' });
    expect(Date.now() - startedAt).toBeLessThan(30_000);
    expect(fake.stats.tokenRequests).toBe(1);
  });

  it('closes the store, and on logout forgets the shared record', async () => {
    const { fake, client } = await startHarness();
    let closed = 0;
    const store = new (class extends MemoryTokenStore {
      async close(): Promise<void> {
        closed += 1;
      }
    })();
    const key = `apiax-auth:v1:${fake.issuer}#integration-api#demo`;
    const kept = client({ store });
    await kept.getAccessToken();
    await kept.close();
    expect(closed).toBe(1);
    expect(await store.get(key)).not.toBeNull();

    const loggedOut = client({ store });
    await loggedOut.getAccessToken();
    await loggedOut.close({ logout: true });
    expect(closed).toBe(2);
    expect(await store.get(key)).toBeNull();
  });
});
