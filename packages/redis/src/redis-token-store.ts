import { AsyncLocalStorage } from 'node:async_hooks';
import { parseTokenRecord, type StoredRecord, type TokenRecord, type TokenStore, type TokenStoreLockOptions } from '@apiax-auth/core';
import { KeyedMutex } from './keyed-mutex.js';
import { resolveStoreOptions, type RedisTokenStoreOptions, type ResolvedStoreOptions } from './options.js';
import { RedisConnection } from './redis-connection.js';
import { redisKeysOf } from './redis-keys.js';
import { RedisLock } from './redis-lock.js';
import { ReleaseNotifier } from './release-notifier.js';
import { SharedRecords, storedVersion } from './shared-records.js';

/**
 * A {@link TokenStore} in Redis (standalone, Sentinel or Cluster), so that a fleet of instances shares one
 * Keycloak session and takes turns: one login and one refresh per token lifetime for the whole fleet,
 * instead of one per instance (and, with refresh-token rotation, instances ending each other's sessions).
 *
 * - Grants run under a cross-instance lock ({@link RedisTokenStore.withLock}); the lock's release carries
 *   the new record to the waiters, which adopt it without another command.
 * - Records are encrypted at rest (AES-256-GCM, `encryptionKey`), keyed by account, never by a secret.
 * - If Redis is down or slow, every call rejects promptly (naming the cause); core then runs on its own
 *   copy, reports the store as degraded and writes its record back once Redis answers. No call fails.
 *
 * @example
 * ```ts
 * const auth = createApiaxAuth({ store: new RedisTokenStore({ url: process.env.REDIS_URL, encryptionKey }) });
 * ```
 */
export class RedisTokenStore implements TokenStore {
  readonly #options: ResolvedStoreOptions;
  readonly #connection: RedisConnection;
  readonly #notifier: ReleaseNotifier;
  readonly #lock: RedisLock;
  readonly #records: SharedRecords;
  readonly #localMutex = new KeyedMutex();
  /** Inside a `critical` run without the lock: the record the fleet just renewed, answered by the first `get`. */
  readonly #adoption = new AsyncLocalStorage<{ key: string; record: TokenRecord | null }>();
  /**
   * Per key, the newest record version this store read or wrote: a lock attempt sends it, so that a record
   * the fleet renewed since is adopted from the attempt's answer, not read again under the lock.
   */
  readonly #seen = new Map<string, number>();

  /** @throws {ApiaxAuthError} `invalid_config`, naming the option, when the options are wrong. Connects lazily. */
  constructor(options: RedisTokenStoreOptions) {
    this.#options = resolveStoreOptions(options);
    this.#connection = new RedisConnection({
      url: this.#options.url,
      client: this.#options.client,
      commandTimeoutMs: this.#options.commandTimeoutMs,
    });
    this.#records = new SharedRecords({
      connection: this.#connection,
      encryptionKeys: this.#options.encryptionKeys,
      logger: this.#options.logger,
    });
    const channel = `${this.#options.keyPrefix}lock-released`;
    this.#notifier = new ReleaseNotifier(() => this.#connection.createSubscriber(), channel);
    this.#lock = new RedisLock({
      connection: this.#connection,
      notifier: this.#notifier,
      channel,
      leaseMs: this.#options.lockLeaseMs,
      logger: this.#options.logger,
    });
    if (this.#options.insecurePlaintext) {
      this.#options.logger?.warn(
        'Redis token store: insecurePlaintext is on: tokens are stored unencrypted, and a record planted in Redis would be trusted. Set encryptionKey.',
      );
    }
  }

  get(key: string): Promise<StoredRecord | null> {
    const adoption = this.#adoption.getStore();
    if (adoption?.key === key && adoption.record !== null) {
      const { record } = adoption;
      adoption.record = null;
      this.#saw(key, record.obtainedAt);
      return Promise.resolve({ ...record });
    }
    return this.#records.get(key, this.#keys(key).record).then((record) => {
      if (record !== null) this.#saw(key, record.obtainedAt);
      return record;
    });
  }

  /** Compare-and-set on `obtainedAt`: a newer record already stored stays. */
  set(key: string, record: StoredRecord): Promise<void> {
    // Seen even if the write fails: the caller holds this record, whatever Redis holds.
    this.#saw(key, record.obtainedAt);
    return this.#records.set(key, this.#keys(key).record, record);
  }

  delete(key: string): Promise<void> {
    return this.#records.delete(this.#keys(key).record);
  }

  /**
   * Runs `critical` while holding the account's lock, first in this process, then across the fleet.
   *
   * While it waits, the lock's releases tell it what the record is now: once the fleet has renewed (a
   * usable record newer than when the wait began), it runs `critical` without the lock, and `critical`'s
   * first `get` answers that record at once; core adopts it and sends no grant. That keeps a fleet's
   * coordination linear: one attempt per instance per renewal, not a queue of hand-offs.
   *
   * Waits at most `waitMs` for other holders, then runs without the lock (with a warning) rather than fail.
   * A live holder keeps the lock (renewing its lease) for up to `ttlMs`; one that died loses it after
   * `lockLeaseMs`. Rejects, before running `critical`, when Redis is unavailable, and when `signal` aborts.
   */
  async withLock<T>(key: string, critical: () => Promise<T>, options: TokenStoreLockOptions): Promise<T> {
    const ttlMs = Math.max(Math.ceil(options.ttlMs), 1);
    const waitMs = Math.max(options.waitMs, 0);
    const deadline = performance.now() + waitMs;
    const releaseLocal = await this.#localMutex.acquire(key, waitMs, options.signal);
    try {
      if (releaseLocal === null) {
        this.#warnUnlocked(key, waitMs, 'another call in this process');
        return await critical();
      }
      const acquired = await this.#lock.acquire(
        this.#keys(key),
        ttlMs,
        deadline,
        options.signal,
        (value, baseline) => this.#renewedSince(key, value, baseline),
        this.#seen.get(key),
      );
      if ('adopted' in acquired) return await this.#adoption.run({ key, record: acquired.adopted }, critical);
      if ('failure' in acquired) {
        this.#warnUnlocked(key, waitMs, 'another instance');
        return await critical();
      }
      try {
        return await critical();
      } finally {
        await acquired.lease.release();
      }
    } finally {
      releaseLocal?.();
    }
  }

  /** Closes the store's connections (never a `client` you passed in); a later call opens them again. */
  async close(): Promise<void> {
    this.#notifier.close();
    await this.#connection.close();
  }

  /**
   * The record in `value` if another instance renewed since the wait began (newer than `baseline`) and core
   * will surely adopt it: its token is in the first half of its life, which every expiry policy of core
   * answers `use` (window and margin are capped at half and a quarter of the lifetime). A caller that began
   * waiting before this record existed cannot hold it already, nor be replacing its token.
   */
  #renewedSince(key: string, value: string, baseline: number): TokenRecord | null {
    if (storedVersion(value) <= baseline) return null;
    const record = parseTokenRecord(this.#records.decode(key, value));
    if (record === null || record.obtainedAt <= baseline) return null;
    const halfLife = (record.accessTokenExpiresAt - record.obtainedAt) / 2;
    return this.#options.now() < record.obtainedAt + halfLife ? record : null;
  }

  #saw(key: string, version: number): void {
    if (version > (this.#seen.get(key) ?? Number.NEGATIVE_INFINITY)) this.#seen.set(key, version);
  }

  #keys(key: string) {
    return redisKeysOf(this.#options.keyPrefix, key);
  }

  #warnUnlocked(key: string, waitMs: number, holder: string): void {
    this.#options.logger?.warn(`Redis token store: waited ${waitMs} ms for ${holder} to finish a grant; going ahead without the lock.`, {
      key,
    });
  }
}
