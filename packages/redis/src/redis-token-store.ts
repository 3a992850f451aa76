import type { TokenRecord, TokenStore, TokenStoreLockOptions } from '@apiax-auth/core';
import { KeyedMutex } from './keyed-mutex.js';
import { resolveStoreOptions, type RedisTokenStoreOptions, type ResolvedStoreOptions } from './options.js';
import { RedisConnection } from './redis-connection.js';
import { RedisLock } from './redis-lock.js';
import { ReleaseNotifier } from './release-notifier.js';
import { SharedRecords } from './shared-records.js';

/**
 * A {@link TokenStore} in Redis, so that a fleet of instances shares one Keycloak session and takes turns:
 * one login and one refresh per token lifetime for the whole fleet, instead of one per instance (and, with
 * refresh-token rotation, instances ending each other's sessions).
 *
 * - Grants run under a cross-instance lock ({@link RedisTokenStore.withLock}); the client re-reads the store
 *   once it holds the lock, so a waiter finds the token its predecessor got and sends no grant.
 * - With `encryptionKey`, records are encrypted at rest (AES-256-GCM), keyed by account, never by a secret.
 * - If Redis is down or slow, the store keeps serving from this process (local copy, local lock) with one
 *   warning, and shares again once Redis is back. No call fails because Redis failed.
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

  /** @throws {ApiaxAuthError} `invalid_config`, naming the option, when the options are wrong. Connects lazily. */
  constructor(options: RedisTokenStoreOptions) {
    this.#options = resolveStoreOptions(options);
    this.#connection = new RedisConnection({
      url: this.#options.url,
      client: this.#options.client,
      commandTimeoutMs: this.#options.commandTimeoutMs,
      logger: this.#options.logger,
      onReady: () => this.#records.resyncInBackground(),
    });
    this.#records = new SharedRecords({
      connection: this.#connection,
      keyPrefix: this.#options.keyPrefix,
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
  }

  get(key: string): Promise<TokenRecord | null> {
    return this.#records.get(key);
  }

  set(key: string, record: TokenRecord): Promise<void> {
    return this.#records.set(key, record);
  }

  delete(key: string): Promise<void> {
    return this.#records.delete(key);
  }

  /**
   * Runs `critical` while holding the account's lock, first in this process, then across the fleet.
   * Waits at most `waitMs` for other holders, then runs without the lock (with a warning) rather than fail.
   * A live holder keeps the lock (renewing its lease) for up to `ttlMs`; one that died loses it after
   * `lockLeaseMs` (10 s by default).
   * While Redis is unavailable only the in-process lock applies. Rejects only if `signal` aborts the wait.
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
      const acquired = await this.#lock.acquire(this.#lockKey(key), ttlMs, deadline, options.signal);
      if ('failure' in acquired) {
        if (acquired.failure === 'timed-out') this.#warnUnlocked(key, waitMs, 'another instance');
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

  /**
   * Closes the store's connections (never a `client` you passed in). Each client sharing the store calls it
   * on `auth.close()`; a later call of another client simply opens the connections again.
   */
  async close(): Promise<void> {
    await this.#records.settled();
    this.#notifier.close();
    await this.#connection.close();
  }

  #lockKey(key: string): string {
    return `${this.#options.keyPrefix}lock:${key}`;
  }

  #warnUnlocked(key: string, waitMs: number, holder: string): void {
    this.#options.logger?.warn(
      `Redis token store: waited ${waitMs} ms for ${holder} to finish a grant; going ahead without the lock.`,
      { key },
    );
  }
}

