import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, parseTokenRecord, type TokenRecord, type TokenStore, type ApiaxTokenEvent } from '../src/index.js';
import { captureLogger, settled, startHarness } from './support/harness.js';

const record = (accessToken: string): TokenRecord => ({
  accessToken,
  accessTokenExpiresAt: 2_000,
  refreshToken: 'r',
  refreshTokenExpiresAt: null,
  obtainedAt: 1_000,
  sessionStartedAt: 1_000,
});

/** A store that records the keys it sees and can be told to fail. */
class ObservedStore implements TokenStore {
  readonly inner = new MemoryTokenStore();
  readonly keys = new Set<string>();
  readonly writes: TokenRecord[] = [];
  failing = false;
  #check(key: string): void {
    this.keys.add(key);
    if (this.failing) throw new Error('store down');
  }
  async get(key: string) {
    this.#check(key);
    return this.inner.get(key);
  }
  async set(key: string, value: TokenRecord) {
    this.#check(key);
    this.writes.push(value);
    return this.inner.set(key, value);
  }
  async delete(key: string) {
    this.#check(key);
    return this.inner.delete(key);
  }
}

describe('MemoryTokenStore', () => {
  it('stores copies', async () => {
    const store = new MemoryTokenStore();
    const original = record('a');
    await store.set('k', original);
    original.accessToken = 'mutated';
    const read = parseTokenRecord(await store.get('k'));
    expect(read?.accessToken).toBe('a');
    read!.accessToken = 'mutated again';
    expect(parseTokenRecord(await store.get('k'))?.accessToken).toBe('a');
    await store.delete('k');
    expect(await store.get('k')).toBeNull();
  });

  it('withLock: critical sections of one key never overlap; other keys run in parallel', async () => {
    const store = new MemoryTokenStore();
    let inside = 0;
    let maxInside = 0;
    const order: number[] = [];
    const critical = (id: number) => async () => {
      inside += 1;
      maxInside = Math.max(maxInside, inside);
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(id);
      inside -= 1;
      return id;
    };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, id) => store.withLock('k', critical(id), { ttlMs: 10_000, waitMs: 10_000 })),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, id) => id));
    expect(order).toEqual(results);
    expect(maxInside).toBe(1);

    let parallel = 0;
    let maxParallel = 0;
    const other = (key: string) =>
      store.withLock(
        key,
        async () => {
          parallel += 1;
          maxParallel = Math.max(maxParallel, parallel);
          await new Promise((resolve) => setTimeout(resolve, 20));
          parallel -= 1;
        },
        { ttlMs: 10_000, waitMs: 10_000 },
      );
    await Promise.all([other('x'), other('y')]);
    expect(maxParallel).toBe(2);
  });

  it('withLock: a holder that never finishes loses the lock after ttlMs; a waiter gives up after waitMs', async () => {
    const store = new MemoryTokenStore();
    let release!: () => void;
    const stuck = store.withLock('k', () => new Promise<void>((resolve) => (release = resolve)), { ttlMs: 50, waitMs: 10_000 });
    await expect(store.withLock('k', async () => 'after ttl', { ttlMs: 1_000, waitMs: 10_000 })).resolves.toBe('after ttl');
    const stuck2 = store.withLock('j', () => new Promise<void>(() => undefined), { ttlMs: 60_000, waitMs: 10_000 });
    void stuck2;
    await expect(store.withLock('j', async () => 'after wait', { ttlMs: 1_000, waitMs: 50 })).resolves.toBe('after wait');
    release();
    await stuck;
  });

  it('withLock: an error in the critical section releases the lock', async () => {
    const store = new MemoryTokenStore();
    await expect(store.withLock('k', async () => Promise.reject(new Error('boom')), { ttlMs: 60_000, waitMs: 60_000 })).rejects.toThrow(
      'boom',
    );
    await expect(store.withLock('k', async () => 'next', { ttlMs: 60_000, waitMs: 60_000 })).resolves.toBe('next');
  });
});

describe('the client and its store', () => {
  it('uses a readable key from issuer + client id + username, never a secret, and writes every grant', async () => {
    const { fake, clock, client } = await startHarness();
    const store = new ObservedStore();
    const auth = client({ store });
    await auth.getAccessToken();
    clock.advance(1800);
    await auth.getAccessToken();
    // The account's key, and the key beside it where a rejected login would be shared: no secret in either.
    const key = `apiax-auth:v1:${fake.issuer}#integration-api#demo`;
    expect([...store.keys]).toEqual([key, `${key}:login-rejection`]);
    expect(store.writes).toHaveLength(2);
    expect(store.writes[1]!.accessToken).toBe(await auth.getAccessToken());
  });

  it('reads the store only on the slow path, never for a warm token', async () => {
    const { client } = await startHarness();
    const store = new ObservedStore();
    let reads = 0;
    const get = store.get.bind(store);
    store.get = async (key) => {
      reads += 1;
      return get(key);
    };
    const auth = client({ store });
    await auth.getAccessToken();
    const readsAfterLogin = reads;
    for (let call = 0; call < 1_000; call += 1) await auth.getAccessToken();
    expect(reads).toBe(readsAfterLogin);
  });

  it('adopts a record another instance wrote (token event with grant "store"), without a grant', async () => {
    const { fake, clock, client } = await startHarness();
    const store = new ObservedStore();
    const a = client({ store });
    const b = client({ store });
    const events: ApiaxTokenEvent[] = [];
    b.on('token', (event) => events.push(event));
    const token = await a.getAccessToken();
    expect(await b.getAccessToken()).toBe(token);
    expect(events.map((event) => event.grant)).toEqual(['store']);
    clock.advance(1800);
    const renewed = await a.getAccessToken();
    expect(await b.getAccessToken()).toBe(renewed);
    expect(fake.stats).toMatchObject({ password: 1, refresh: 1 });
  });

  it('refreshes from the newest stored record even when its access token is too old to serve (rotation survives)', async () => {
    const { fake, clock, client } = await startHarness({ rotateRefreshTokens: true });
    const store = new ObservedStore();
    const a = client({ store });
    const b = client({ store });
    await a.getAccessToken();
    await b.getAccessToken(); // adopted: b holds the login's refresh token
    clock.advance(1800);
    await a.getAccessToken(); // a rotates it; b's copy is now a reused token to Keycloak
    clock.advance(1800); // and a's record has expired too
    await expect(b.getAccessToken()).resolves.toMatch(/^eyJ/);
    // b refreshed with a's refresh token: no reuse, no ended session, no second login.
    expect(fake.stats).toMatchObject({ password: 1, refresh: 2, failedRefreshes: 0, activeSessions: 1 });
  });

  it('ignores a corrupt record in the store', async () => {
    const { fake, client } = await startHarness();
    const store = new ObservedStore();
    const auth = client({ store });
    await store.inner.set([...store.keys][0] ?? `apiax-auth:v1:${fake.issuer}#integration-api#demo`, {
      accessToken: 42,
    } as unknown as TokenRecord);
    await expect(auth.getAccessToken()).resolves.toMatch(/^eyJ/);
    expect(fake.stats.password).toBe(1);
  });

  it('a store that throws degrades to local operation: every call succeeds, with one warning', async () => {
    const { fake, clock, client } = await startHarness();
    const store = new ObservedStore();
    store.failing = true;
    const logs = captureLogger();
    const auth = client({ store, logger: logs.logger });
    await auth.getAccessToken();
    clock.advance(1800);
    await auth.getAccessToken();
    await auth.close({ logout: true });
    expect(fake.stats).toMatchObject({ password: 1, refresh: 1, logouts: 1 });
    expect(logs.lines.filter((line) => line.startsWith('warn'))).toHaveLength(1);
    expect(logs.lines.find((line) => line.startsWith('warn'))).toMatch(/store/);
  });

  it('a lock that fails while the renewal runs inside it never leads to a second grant beside it (rotation survives)', async () => {
    const { fake, clock, client } = await startHarness({ rotateRefreshTokens: true, tokenLatencyMs: 100 });
    const inner = new MemoryTokenStore();
    const logs = captureLogger();
    // A lock that loses its lease: it starts the critical section, then gives up without waiting for it.
    const store: TokenStore = {
      get: (key) => inner.get(key),
      set: (key, value) => inner.set(key, value),
      delete: (key) => inner.delete(key),
      async withLock(_key, critical) {
        void critical().catch(() => undefined);
        throw new Error('lock lease lost');
      },
    };
    const auth = client({ store, logger: logs.logger });
    const first = await auth.getAccessToken();
    clock.advance(1800);
    const second = await auth.getAccessToken();
    expect(second).not.toBe(first);
    await settled(auth);
    expect(fake.stats).toMatchObject({ password: 1, refresh: 1, failedRefreshes: 0, maxConcurrentRefreshes: 1, activeSessions: 1 });
    expect(logs.lines.some((line) => line.startsWith('warn') && line.includes('store failed'))).toBe(true);
  });

  it('a store whose lock fails still lets the grant run locally', async () => {
    const { fake, client } = await startHarness();
    const store = new MemoryTokenStore();
    store.withLock = async () => {
      throw new Error('lock service down');
    };
    const auth = client({ store });
    await expect(auth.getAccessToken()).resolves.toMatch(/^eyJ/);
    expect(fake.stats.password).toBe(1);
  });
});
