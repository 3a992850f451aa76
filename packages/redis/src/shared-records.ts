import type { ApiaxAuthLogger, TokenRecord } from '@apiax-auth/core';
import type { EncryptionKey } from './encryption-keys.js';
import { decodeRecord, encodeRecord } from './record-codec.js';
import { recordTtlMs } from './record-ttl.js';
import { UNAVAILABLE, type RedisConnection } from './redis-connection.js';

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
 * The token records in Redis, shared by the fleet, with this process's copy of each: what `get` answers while
 * Redis is unavailable, and what goes back to Redis when it returns (written meanwhile, or lost in a restart).
 */
export class SharedRecords {
  readonly #connection: RedisConnection;
  readonly #keyPrefix: string;
  readonly #encryptionKeys: readonly EncryptionKey[];
  readonly #logger: ApiaxAuthLogger | undefined;
  readonly #local = new Map<string, LocalRecord>();
  /** The resync in progress (they run one after another), which `settled()` lets `close()` wait for. */
  #resyncing: Promise<void> = Promise.resolve();

  constructor(options: {
    connection: RedisConnection;
    keyPrefix: string;
    encryptionKeys: readonly EncryptionKey[];
    logger: ApiaxAuthLogger | undefined;
  }) {
    this.#connection = options.connection;
    this.#keyPrefix = options.keyPrefix;
    this.#encryptionKeys = options.encryptionKeys;
    this.#logger = options.logger;
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

  /** After a (re)connection, Redis may have restarted empty: put back what this process knows. */
  resyncInBackground(): void {
    this.#resyncing = this.#resyncing.then(() => this.#resync()).catch(() => {
      // A logger that throws must not become an unhandled rejection; the next reconnection tries again.
    });
  }

  /**
   * Resolves once no resync runs: `close()` waits for it, or its next command would open the connection
   * again after the close, and that connection would keep the process alive.
   */
  settled(): Promise<void> {
    return this.#resyncing;
  }

  async #resync(): Promise<void> {
    for (const [key, local] of [...this.#local]) {
      if (local.confirmedInEpoch === this.#connection.epoch) continue;
      const read = await this.#read(key);
      if (read === UNAVAILABLE) return;
      await this.#reconcile(key, read);
    }
  }

  /**
   * Merges what Redis holds with this process's copy:
   * - our copy changed while the read was on its way (a write, or another read answered first, possibly an
   *   older one): the newer of the two stands;
   * - Redis has a record: it wins (it is the fleet's latest), unless ours was written while Redis was away
   *   and is newer; then ours goes to Redis.
   * - Redis has none, and confirmed ours since the last reconnection: it was deleted or expired there.
   * - Redis has none, and may have restarted empty since it last saw ours: ours is put back (if nobody else
   *   did first), so the fleet does not log in again after a Redis restart.
   */
  async #reconcile(key: string, read: RedisRead): Promise<TokenRecord | null> {
    const { value, epoch } = read;
    const local = this.#local.get(key);
    if (local !== read.localBefore || local?.confirmedInEpoch !== read.confirmedBefore) return this.#newer(key, read, local);
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

  /**
   * Our copy changed during the read: adopt what Redis answered only if it is newer than our copy now. A copy
   * deleted meanwhile stays deleted: the read may predate the DEL.
   */
  #newer(key: string, { value, epoch }: RedisRead, local: LocalRecord | undefined): TokenRecord | null {
    if (local === undefined) return null;
    const remote = value === null ? null : this.#decode(key, value);
    if (remote === null || remote.obtainedAt <= local.record.obtainedAt) return local.record;
    this.#local.set(key, { record: remote, confirmedInEpoch: epoch });
    return remote;
  }

  async #restoreLocal(key: string, local: LocalRecord): Promise<TokenRecord | null> {
    if (await this.#write(key, local, { onlyIfMissing: true })) return local.record;
    // Another instance put its copy back first: take theirs, it is the fleet's.
    const read = await this.#read(key);
    if (read === UNAVAILABLE || read.value === null) return local.record;
    return this.#reconcile(key, read);
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
    const value = encodeRecord(local.record, key, this.#encryptionKeys);
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
    const decoded = decodeRecord(value, key, this.#encryptionKeys);
    if ('record' in decoded) return decoded.record;
    this.#logger?.warn(`Redis token store: ignoring the stored record: it is ${decoded.problem}.`, { key });
    return null;
  }

  #recordKey(key: string): string {
    return `${this.#keyPrefix}record:${key}`;
  }
}
