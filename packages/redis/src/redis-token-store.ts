import type { TokenRecord, TokenStore, TokenStoreLockOptions } from '@apiax-auth/core';
import { KeyedMutex } from './keyed-mutex.js';
import { resolveStoreOptions, type RedisTokenStoreOptions, type ResolvedStoreOptions } from './options.js';
import { decodeRecord, encodeRecord } from './record-codec.js';
import { recordTtlMs } from './record-ttl.js';
import { RedisConnection, UNAVAILABLE } from './redis-connection.js';
import { RedisLock } from './redis-lock.js';
import { ReleaseNotifier } from './release-notifier.js';

/** This process's copy of a record, and the connection epoch in which Redis last confirmed holding it. */
interface LocalRecord {
  record: TokenRecord;
  /** `null`: written while Redis was unavailable, Redis has never seen it. */
  confirmedInEpoch: number | null;
}

/** A value read from Redis, with the epoch it was read in and this process's copy as it was when it was sent. */
interface RedisRead {
  value: string | null;
  epoch: number;
  localBefore: LocalRecord | undefined;
  confirmedBefore: number | null | undefined;
}

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
  readonly #localMutex = new KeyedMutex();
  readonly #local = new Map<string, LocalRecord>();

  /** @throws {ApiaxAuthError} `invalid_config`, naming the option, when the options are wrong. Connects lazily. */
  constructor(options: RedisTokenStoreOptions) {
    this.#options = resolveStoreOptions(options);
    this.#connection = new RedisConnection({
      url: this.#options.url,
      client: this.#options.client,
      commandTimeoutMs: this.#options.commandTimeoutMs,
      logger: this.#options.logger,
      onReady: () => void this.#resync(),
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

  async get(key: string): Promise<TokenRecord | null> {
    const read = await this.#read(key);
    const record = read === UNAVAILABLE ? (this.#local.get(key)?.record ?? null) : await this.#reconcile(key, read);
    // A copy: a caller changing what it got must not change this process's copy.
    return record === null ? null : { ...record };
  }

  async set(key: string, record: TokenRecord): Promise<void> {
    const local: LocalRecord = { record: { ...record }, confirmedInEpoch: null };
    this.#local.set(key, local);
    await this.#write(key, local);
  }

  async delete(key: string): Promise<void> {
    this.#local.delete(key);
    await this.#connection.run((redis) => redis.del(this.#recordKey(key)));
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
    this.#notifier.close();
    await this.#connection.close();
  }

  #recordKey(key: string): string {
    return `${this.#options.keyPrefix}record:${key}`;
  }

  #lockKey(key: string): string {
    return `${this.#options.keyPrefix}lock:${key}`;
  }

  #encode(key: string, record: TokenRecord): string {
    return encodeRecord(record, key, this.#options.encryptionKeys);
  }

  /**
   * Merges what Redis holds with this process's copy:
   * - this process wrote while the read was on its way: the read is older than our copy, which stands;
   * - Redis has a record: it wins (it is the fleet's latest), unless ours was written while Redis was away
   *   and is newer; then ours goes to Redis.
   * - Redis has none, and confirmed ours since the last reconnection: it was deleted or expired there.
   * - Redis has none, and may have restarted empty since it last saw ours: ours is put back (if nobody else
   *   did first), so the fleet does not log in again after a Redis restart.
   */
  async #reconcile(key: string, read: RedisRead): Promise<TokenRecord | null> {
    const { value, epoch } = read;
    const local = this.#local.get(key);
    if (local !== read.localBefore || local?.confirmedInEpoch !== read.confirmedBefore) return local?.record ?? null;
    if (value !== null) {
      const remote = this.#decode(key, value);
      if (remote === null) return null;
      if (local?.confirmedInEpoch === null && local.record.obtainedAt > remote.obtainedAt) {
        await this.#write(key, local);
        return local.record;
      }
      this.#local.set(key, { record: remote, confirmedInEpoch: epoch });
      return remote;
    }
    if (local === undefined) return null;
    if (local.confirmedInEpoch === epoch) {
      this.#local.delete(key);
      return null;
    }
    return this.#restoreLocal(key, local);
  }

  async #restoreLocal(key: string, local: LocalRecord): Promise<TokenRecord | null> {
    if (await this.#write(key, local, { onlyIfMissing: true })) return local.record;
    // Another instance put its copy back first: take theirs, it is the fleet's.
    const read = await this.#read(key);
    if (read === UNAVAILABLE || read.value === null) return local.record;
    return this.#reconcile(key, read);
  }

  /** After a (re)connection, Redis may have restarted empty: put back what this process knows. */
  async #resync(): Promise<void> {
    for (const [key, local] of [...this.#local]) {
      if (local.confirmedInEpoch === this.#connection.epoch) continue;
      const read = await this.#read(key);
      if (read === UNAVAILABLE) return;
      await this.#reconcile(key, read);
    }
  }

  async #read(key: string): Promise<RedisRead | typeof UNAVAILABLE> {
    return this.#connection.run(async (redis, epoch) => {
      const localBefore = this.#local.get(key);
      const confirmedBefore = localBefore?.confirmedInEpoch;
      return { value: await redis.get(this.#recordKey(key)), epoch, localBefore, confirmedBefore };
    });
  }

  /** Writes this process's record to Redis; true if Redis took it (and then confirms it). */
  async #write(key: string, local: LocalRecord, { onlyIfMissing = false } = {}): Promise<boolean> {
    const value = this.#encode(key, local.record);
    const ttlMs = recordTtlMs(local.record);
    const stored = await this.#connection.run(async (redis, epoch) => {
      const reply = onlyIfMissing
        ? await redis.set(this.#recordKey(key), value, 'PX', ttlMs, 'NX')
        : await redis.set(this.#recordKey(key), value, 'PX', ttlMs);
      return reply === 'OK' ? epoch : null;
    });
    if (stored === UNAVAILABLE || stored === null) return false;
    local.confirmedInEpoch = stored;
    return true;
  }

  #decode(key: string, value: string): TokenRecord | null {
    const decoded = decodeRecord(value, key, this.#options.encryptionKeys);
    if ('record' in decoded) return decoded.record;
    this.#options.logger?.warn(`Redis token store: ignoring the stored record: it is ${decoded.problem}.`, { key });
    return null;
  }

  #warnUnlocked(key: string, waitMs: number, holder: string): void {
    this.#options.logger?.warn(
      `Redis token store: waited ${waitMs} ms for ${holder} to finish a grant; going ahead without the lock.`,
      { key },
    );
  }
}

