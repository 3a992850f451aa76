import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ApiaxAuthError, RedisTokenStore, type RedisTokenStoreOptions } from '../src/index.js';
import { randomKey, recordingLogger } from './support/fixtures.js';

function configError(options: RedisTokenStoreOptions): ApiaxAuthError {
  try {
    new RedisTokenStore(options);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiaxAuthError);
    expect((error as ApiaxAuthError).code).toBe('invalid_config');
    return error as ApiaxAuthError;
  }
  throw new Error('expected the constructor to throw');
}

describe('RedisTokenStore options', () => {
  it('requires url or client, and not both', () => {
    expect(configError({}).message).toMatch(/`url` is required/);
    expect(configError({ url: undefined }).message).toMatch(/`url` is required/);
    const client = new Redis({ lazyConnect: true });
    expect(configError({ url: 'redis://127.0.0.1:6379', client }).message).toMatch(/either `url` or `client`/);
    client.disconnect();
  });

  it('refuses a url that is not redis: or rediss:, without echoing it (it may hold a password)', () => {
    const password = 'redis-password-canary-93e1';
    for (const url of [`http://:${password}@cache:6379`, `${password}@@not a url`, '']) {
      const error = configError({ url });
      expect(error.message).toMatch(/`url`/);
      expect(error.message).not.toContain(password);
      expect(JSON.stringify(error)).not.toContain(password);
    }
  });

  it('refuses a client that is not an ioredis client', () => {
    expect(configError({ client: {} as never }).message).toMatch(/`client` must be an ioredis client/);
  });

  it('accepts a 32-byte key as a Buffer, hex, base64 or base64url', () => {
    const key = randomKey();
    for (const encryptionKey of [key, key.toString('hex'), key.toString('base64'), key.toString('base64url')]) {
      expect(() => new RedisTokenStore({ url: 'redis://127.0.0.1:1', encryptionKey })).not.toThrow();
    }
  });

  it('refuses keys of the wrong size or encoding, naming the option and never echoing the value', () => {
    const canary = 'c4nary-key-material-that-is-not-32-bytes';
    const cases: Array<[RedisTokenStoreOptions['encryptionKey'], RegExp]> = [
      [canary, /`encryptionKey` must decode to 32 bytes/],
      [randomKey().toString('hex').slice(2), /`encryptionKey` must decode to 32 bytes/],
      [Buffer.alloc(16), /`encryptionKey` must be 32 bytes long \(AES-256\), got 16/],
      [[randomKey(), canary], /`encryptionKey\[1\]` must decode to 32 bytes/],
      [[], /`encryptionKey` is an empty array/],
      [42 as never, /`encryptionKey` must be a 32-byte Buffer/],
    ];
    for (const [encryptionKey, message] of cases) {
      const error = configError({ url: 'redis://127.0.0.1:1', encryptionKey });
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain(canary);
    }
  });

  it('requires encryptionKey, or the loudly named opt-out insecurePlaintext, which warns once', () => {
    expect(configError({ url: 'redis://127.0.0.1:1' }).message).toMatch(/`encryptionKey` is required/);
    expect(configError({ url: 'redis://127.0.0.1:1', insecurePlaintext: 'yes' as never }).message).toMatch(/`insecurePlaintext`/);
    expect(configError({ url: 'redis://127.0.0.1:1', insecurePlaintext: true, encryptionKey: randomKey() }).message).toMatch(
      /either `encryptionKey` or `insecurePlaintext/,
    );
    const logger = recordingLogger();
    new RedisTokenStore({ url: 'redis://127.0.0.1:1', insecurePlaintext: true, logger });
    expect(logger.at('warn').map((entry) => entry.message)).toEqual([expect.stringMatching(/insecurePlaintext is on/)]);
  });

  it('names keyPrefix, logger, commandTimeoutMs, lockLeaseMs and now when they are wrong', () => {
    const url = 'redis://127.0.0.1:1';
    const encryptionKey = randomKey();
    expect(configError({ url, encryptionKey, keyPrefix: 7 as never }).message).toMatch(/`keyPrefix`/);
    expect(configError({ url, encryptionKey, logger: { warn() {} } as never }).message).toMatch(/`logger`/);
    expect(configError({ url, encryptionKey, commandTimeoutMs: 0 }).message).toMatch(/`commandTimeoutMs`/);
    expect(configError({ url, encryptionKey, commandTimeoutMs: Number.NaN }).message).toMatch(/`commandTimeoutMs`/);
    expect(configError({ url, encryptionKey, lockLeaseMs: -5 }).message).toMatch(/`lockLeaseMs`/);
    expect(configError({ url, encryptionKey, lockLeaseMs: '10s' as never }).message).toMatch(/`lockLeaseMs`/);
    expect(configError({ url, encryptionKey, now: 5 as never }).message).toMatch(/`now`/);
  });

  it('does no I/O when constructed: the first call connects', async () => {
    // Nothing listens on port 1: constructing and closing must neither throw nor emit anything.
    const store = new RedisTokenStore({ url: 'redis://127.0.0.1:1', encryptionKey: randomKey() });
    await store.close();
  });
});
