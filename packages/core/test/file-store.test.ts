import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileTokenStore, LOGIN_REJECTION_KEY_SUFFIX, type LoginRejectionRecord, type TokenRecord } from '../src/index.js';
import { startHarness } from './support/harness.js';

const CANARY_ACCESS = 'canary-access-token-5f1e';
const CANARY_REFRESH = 'canary-refresh-token-9b2c';
const KEY = 'apiax-auth:v1:https://auth.example#integration-api#alice';

const record = (obtainedAt: number, accessToken = CANARY_ACCESS): TokenRecord => ({
  accessToken,
  accessTokenExpiresAt: obtainedAt + 1_800_000,
  refreshToken: CANARY_REFRESH,
  refreshTokenExpiresAt: null,
  obtainedAt,
  sessionStartedAt: obtainedAt,
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh parent directory; the store's own directory is created inside it. */
function cacheDir(): string {
  const parent = mkdtempSync(join(tmpdir(), 'apiax-file-store-'));
  dirs.push(parent);
  return join(parent, 'cache');
}

function warnings(): { logger: { warn(message: string): void }; lines: string[] } {
  const lines: string[] = [];
  return { logger: { warn: (message: string) => lines.push(message) }, lines };
}

const dataFile = (directory: string) =>
  join(
    directory,
    readdirSync(directory).find((name) => name.endsWith('.json'))!,
  );

describe('FileTokenStore', () => {
  it('round-trips a record in a 0600 file inside a 0700 directory, atomically (no temp file left)', async () => {
    const directory = cacheDir();
    const store = new FileTokenStore({ directory });
    expect(await store.get(KEY)).toBeNull();
    await store.set(KEY, record(1_000));
    expect(await new FileTokenStore({ directory }).get(KEY)).toEqual(record(1_000));
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    expect(statSync(dataFile(directory)).mode & 0o777).toBe(0o600);
    expect(readdirSync(directory).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    await store.delete(KEY);
    expect(await store.get(KEY)).toBeNull();
  });

  it('set is a compare-and-set on obtainedAt', async () => {
    const store = new FileTokenStore({ directory: cacheDir() });
    await store.set(KEY, record(2_000, 'newer'));
    await store.set(KEY, record(1_000, 'older'));
    expect((await store.get(KEY))?.obtainedAt).toBe(2_000);
    await store.set(KEY, record(3_000, 'newest'));
    expect((await store.get(KEY))?.obtainedAt).toBe(3_000);
  });

  it('persists login-rejection records under their own key', async () => {
    const store = new FileTokenStore({ directory: cacheDir() });
    const rejection: LoginRejectionRecord = {
      kind: 'login-rejection',
      obtainedAt: 5,
      rejections: 1,
      retryAt: 300_005,
      code: 'invalid_credentials',
      status: 401,
      oauthError: 'invalid_grant',
      credentialSalt: 'c2FsdA',
      credentialTag: 'dGFn',
    };
    await store.set(KEY + LOGIN_REJECTION_KEY_SUFFIX, rejection);
    await store.set(KEY, record(1));
    expect(await store.get(KEY + LOGIN_REJECTION_KEY_SUFFIX)).toEqual(rejection);
    expect(await store.get(KEY)).toEqual(record(1));
  });

  it('ignores a damaged, edited, foreign or loosely permitted file with a warning that holds no secret', async () => {
    const directory = cacheDir();
    const { logger, lines } = warnings();
    const store = new FileTokenStore({ directory, logger });
    await store.set(KEY, record(1_000));
    const file = dataFile(directory);
    const original = readFileSync(file, 'utf8');

    writeFileSync(file, original.replace(CANARY_ACCESS, 'planted-token'));
    expect(await store.get(KEY)).toBeNull();
    writeFileSync(file, original.slice(0, 40));
    expect(await store.get(KEY)).toBeNull();
    writeFileSync(file, original);
    expect(await store.get(KEY + '-other')).toBeNull();
    expect(await store.get(KEY)).toEqual(record(1_000));
    chmodSync(file, 0o644);
    expect(await store.get(KEY)).toBeNull();

    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).toMatch(/integrity check[\s\S]*not a token cache file[\s\S]*open to other users \(mode 644\)/);
    expect(lines.join('\n')).not.toMatch(/canary|planted/);
    // A fresh login's record replaces the bad file.
    await store.set(KEY, record(2_000));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await store.get(KEY)).toEqual(record(2_000));
  });

  it('refuses a directory open to other users, and never changes its mode', async () => {
    const directory = cacheDir();
    mkdirSync(directory, { mode: 0o755 });
    chmodSync(directory, 0o755);
    const store = new FileTokenStore({ directory });
    await expect(store.get(KEY)).rejects.toThrow(/open to other users \(mode 755\).*chmod 700/);
    expect(statSync(directory).mode & 0o777).toBe(0o755);
  });

  it('encrypts at rest with APIAX_CACHE_KEY: no token in the file, another key or no key reads nothing', async () => {
    const directory = cacheDir();
    const store = new FileTokenStore({ directory, env: { APIAX_CACHE_KEY: 'correct horse battery staple' } });
    expect(store.encrypted).toBe(true);
    await store.set(KEY, record(1_000));
    const text = readFileSync(dataFile(directory), 'utf8');
    expect(text).not.toContain(CANARY_ACCESS);
    expect(text).not.toContain(CANARY_REFRESH);
    expect(await new FileTokenStore({ directory, encryptionKey: 'correct horse battery staple' }).get(KEY)).toEqual(record(1_000));

    const { logger, lines } = warnings();
    expect(await new FileTokenStore({ directory, encryptionKey: 'wrong key', logger }).get(KEY)).toBeNull();
    expect(await new FileTokenStore({ directory, env: {}, logger }).get(KEY)).toBeNull();
    expect(lines.join('\n')).toMatch(/does not decrypt[\s\S]*encrypted, but APIAX_CACHE_KEY is not set/);

    // A plain file planted where an encrypted one is expected is refused.
    await new FileTokenStore({ directory, env: {} }).set(KEY, record(9_000, 'planted'));
    expect(await store.get(KEY)).toBeNull();
  });

  it('withLock: critical sections of one key never overlap, across store instances', async () => {
    const directory = cacheDir();
    const stores = [new FileTokenStore({ directory }), new FileTokenStore({ directory })];
    let inside = 0;
    let maxInside = 0;
    const runs = Array.from({ length: 12 }, (_, index) =>
      stores[index % 2]!.withLock(
        KEY,
        async () => {
          inside += 1;
          maxInside = Math.max(maxInside, inside);
          await new Promise((resolve) => setTimeout(resolve, 5));
          inside -= 1;
          return index;
        },
        { ttlMs: 10_000, waitMs: 10_000 },
      ),
    );
    expect(await Promise.all(runs)).toEqual(Array.from({ length: 12 }, (_, index) => index));
    expect(maxInside).toBe(1);
    expect(readdirSync(directory)).toEqual([]);
  });

  it('withLock takes over a lock whose process is dead or whose ttl passed, and waits at most waitMs for a live one', async () => {
    const directory = cacheDir();
    const store = new FileTokenStore({ directory });
    await store.get(KEY); // creates the directory
    const hash = lockFileName();
    const plant = (owner: object) => writeFileSync(join(directory, hash), JSON.stringify(owner), { mode: 0o600 });

    plant({ pid: 2 ** 22 + 12_345, host: hostname(), nonce: 'dead', expiresAt: Date.now() + 60_000 });
    let started = performance.now();
    await store.withLock(KEY, async () => undefined, { ttlMs: 1_000, waitMs: 5_000 });
    expect(performance.now() - started).toBeLessThan(1_000);

    plant({ pid: process.pid, host: hostname(), nonce: 'expired', expiresAt: Date.now() - 1 });
    started = performance.now();
    await store.withLock(KEY, async () => undefined, { ttlMs: 1_000, waitMs: 5_000 });
    expect(performance.now() - started).toBeLessThan(1_000);

    plant({ pid: process.pid, host: hostname(), nonce: 'live', expiresAt: Date.now() + 60_000 });
    started = performance.now();
    expect(await store.withLock(KEY, async () => 'ran anyway', { ttlMs: 1_000, waitMs: 150 })).toBe('ran anyway');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    // The live holder's lock is still there: running without it never removes it.
    expect(JSON.parse(readFileSync(join(directory, hash), 'utf8'))).toMatchObject({ nonce: 'live' });
  });

  it('validates its options at construction', () => {
    expect(() => new FileTokenStore({ directory: '' })).toThrow(/FileTokenStore directory must be a non-empty string/);
    expect(() => new FileTokenStore({ encryptionKey: 42 as unknown as string })).toThrow(/FileTokenStore encryptionKey/);
  });

  it('two clients in a row (an app restarted by node --watch) share one login through the file', async () => {
    const { fake, client } = await startHarness();
    const directory = cacheDir();
    const first = client({ store: new FileTokenStore({ directory }) });
    const token = await first.getAccessToken();
    await first.close();
    const second = client({ store: new FileTokenStore({ directory }) });
    expect(await second.getAccessToken()).toBe(token);
    expect(fake.stats.password).toBe(1);
    expect(second.status().grants).toEqual({ password: 0, refresh: 0 });
  });
});

/** The lock file of KEY: files are named by a truncated SHA-256 of the key, plus their kind. */
function lockFileName(): string {
  return `${createHash('sha256').update(KEY).digest('hex').slice(0, 32)}.lock`;
}
