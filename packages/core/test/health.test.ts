import { describe, expect, it } from 'vitest';
import { healthOf, storeStateOf } from '../src/health.js';
import { healthReport, MemoryTokenStore, type StoredRecord, type TokenStore } from '../src/index.js';
import { settled, startHarness } from './support/harness.js';

/** A shared store (not the built-in one) that can be made unreachable, as Redis can be. */
function switchableStore(): { store: TokenStore; setReachable(reachable: boolean): void } {
  const inner = new MemoryTokenStore();
  let reachable = true;
  const guard = <T>(call: () => Promise<T>): Promise<T> =>
    reachable ? call() : Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { name: 'ConnectionError' }));
  return {
    store: {
      get: (key) => guard(() => inner.get(key)),
      set: (key, record: StoredRecord) => guard(() => inner.set(key, record)),
      delete: (key) => guard(() => inner.delete(key)),
    },
    setReachable: (value) => {
      reachable = value;
    },
  };
}

describe('healthOf', () => {
  const base = { closed: false, usableToken: false, lastErrorCode: null, storeIsLocal: true, storeFailing: false } as const;

  it('is up with a usable token or before any use, down when closed', () => {
    expect(healthOf(base)).toEqual({ health: 'up', store: 'local' });
    expect(healthOf({ ...base, usableToken: true })).toEqual({ health: 'up', store: 'local' });
    expect(healthOf({ ...base, usableToken: true, closed: true }).health).toBe('down');
  });

  it('is degraded while the token serves after a failed renewal, down once nothing serves', () => {
    expect(healthOf({ ...base, usableToken: true, lastErrorCode: 'unreachable' }).health).toBe('degraded');
    expect(healthOf({ ...base, usableToken: false, lastErrorCode: 'unreachable' }).health).toBe('down');
    expect(healthOf({ ...base, usableToken: false, lastErrorCode: 'invalid_credentials' }).health).toBe('down');
  });

  it('is degraded while a shared store fails; a local store never degrades', () => {
    expect(healthOf({ ...base, usableToken: true, storeIsLocal: false, storeFailing: true })).toEqual({
      health: 'degraded',
      store: 'degraded',
    });
    expect(healthOf({ ...base, usableToken: true, storeIsLocal: false })).toEqual({ health: 'up', store: 'shared' });
    expect(storeStateOf(true, true)).toBe('local');
  });
});

describe('status().health over real HTTP', () => {
  it('never used → up; closed → down', async () => {
    const { client } = await startHarness();
    const auth = client();
    expect(auth.status()).toMatchObject({ health: 'up', store: 'local' });
    await auth.getAccessToken();
    expect(auth.status().health).toBe('up');
    await auth.close();
    expect(auth.status().health).toBe('down');
  });

  it('a renewal failing while the token serves → degraded; recovery → up', async () => {
    const { fake, clock, client } = await startHarness();
    const auth = client({ maxRetries: 1 });
    const token = await auth.getAccessToken();
    clock.advance(26 * 60); // inside the refresh window: the token still serves, a renewal starts behind it
    fake.fail({ type: 'html', status: 503 }, 1e6);
    expect(await auth.getAccessToken()).toBe(token);
    await settled(auth);
    expect(auth.status()).toMatchObject({ health: 'degraded', state: 'valid', lastError: { code: 'server_error' } });
    fake.clearFaults();
    await auth.getAccessToken({ forceRefresh: true });
    expect(auth.status()).toMatchObject({ health: 'up', lastError: null });
  });

  it('the endpoint unreachable after retries with no usable token → down; recovery → up', async () => {
    const { fake, client } = await startHarness();
    const auth = client({ maxRetries: 2 });
    fake.fail({ type: 'html', status: 502 }, 1e6);
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'server_error' });
    expect(fake.stats.tokenRequests).toBe(3);
    expect(auth.status()).toMatchObject({ health: 'down', state: 'failed' });
    fake.clearFaults();
    await auth.getAccessToken();
    expect(auth.status().health).toBe('up');
  });

  it('credentials rejected → down', async () => {
    const { client } = await startHarness();
    const auth = client({ password: 'not-the-password' });
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(auth.status()).toMatchObject({ health: 'down', store: 'local' });
  });

  it('a shared store unreachable → degraded (store degraded), the token keeps serving; store back → up', async () => {
    const { client } = await startHarness();
    const { store, setReachable } = switchableStore();
    const auth = client({ store });
    await auth.getAccessToken();
    expect(auth.status()).toMatchObject({ health: 'up', store: 'shared' });
    setReachable(false);
    const token = await auth.getAccessToken({ forceRefresh: true });
    expect(auth.status()).toMatchObject({ health: 'degraded', store: 'degraded', state: 'valid' });
    expect(await auth.getAccessToken()).toBe(token);
    setReachable(true);
    await auth.getAccessToken({ forceRefresh: true });
    expect(auth.status()).toMatchObject({ health: 'up', store: 'shared' });
  });
});

describe('healthReport', () => {
  it('answers 200 for up and degraded, 503 for down, with the error code and no message', async () => {
    const { client } = await startHarness();
    const auth = client({ password: 'not-the-password' });
    expect(healthReport(auth.status())).toEqual({
      httpStatus: 200,
      body: { status: 'up', state: 'signed-out', store: 'local', accessTokenExpiresAt: null, refreshTokenExpiresAt: null, lastError: null },
    });
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_credentials' });
    const down = healthReport(auth.status());
    expect(down.httpStatus).toBe(503);
    expect(down.body.lastError).toEqual({ code: 'invalid_credentials' });
    expect(JSON.stringify(down)).not.toContain('not-the-password');
    expect(JSON.stringify(down)).not.toContain('demo'); // the account name stays out of a public probe
    const degraded = { ...auth.status(), health: 'degraded' as const };
    expect(healthReport(degraded).httpStatus).toBe(200);
  });
});
