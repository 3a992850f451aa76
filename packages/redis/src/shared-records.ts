import type { ApiaxAuthLogger, StoredRecord } from '@apiax-auth/core';
import type { EncryptionKey } from './encryption-keys.js';
import { decodeRecord, encodeRecord } from './record-codec.js';
import { recordTtlMs } from './record-ttl.js';
import type { RedisConnection } from './redis-connection.js';

/**
 * The records in Redis, shared by the fleet. Nothing is kept in this process: a failing Redis rejects (core
 * keeps its own copy and writes it back later, see core's store contract).
 *
 * A stored value is `<obtainedAt>|<encoded record>`: the version stays readable beside the ciphertext, so
 * a Lua script can compare-and-set on it (see lock-scripts.ts). The version is not trusted for anything
 * else: what a reader adopts is the decrypted, authenticated record.
 */
export class SharedRecords {
  readonly #connection: RedisConnection;
  readonly #encryptionKeys: readonly EncryptionKey[];
  readonly #logger: ApiaxAuthLogger | undefined;

  constructor(options: { connection: RedisConnection; encryptionKeys: readonly EncryptionKey[]; logger: ApiaxAuthLogger | undefined }) {
    this.#connection = options.connection;
    this.#encryptionKeys = options.encryptionKeys;
    this.#logger = options.logger;
  }

  /** The record under `redisKey`, or `null` (none, or one that does not decode: logged and ignored). */
  async get(key: string, redisKey: string): Promise<StoredRecord | null> {
    const value = await this.#connection.run((redis) => redis.get(redisKey));
    return value === null ? null : this.decode(key, value);
  }

  /** Compare-and-set on `obtainedAt`: a newer record already there stays. */
  async set(key: string, redisKey: string, record: StoredRecord): Promise<void> {
    const value = `${record.obtainedAt}|${encodeRecord(record, key, this.#encryptionKeys)}`;
    await this.#connection.run((redis) => redis.apiaxAuthSetIfNewer(redisKey, record.obtainedAt, value, recordTtlMs(record)));
  }

  async delete(redisKey: string): Promise<void> {
    await this.#connection.run((redis) => redis.del(redisKey));
  }

  /** Turns a stored value back into a record; a value that does not decode is logged (never shown) and ignored. */
  decode(key: string, value: string): StoredRecord | null {
    if (value === '') return null;
    const version = VERSION_PREFIX.exec(value);
    const decoded = decodeRecord(version === null ? value : value.slice(version[0].length), key, this.#encryptionKeys);
    if ('record' in decoded) return decoded.record;
    this.#logger?.warn(`Redis token store: ignoring the stored record: it is ${decoded.problem}.`, { key });
    return null;
  }
}

/** The version a stored value announces (its `obtainedAt`), or -Infinity for none. */
export function storedVersion(value: string | null): number {
  const version = value === null ? null : VERSION_PREFIX.exec(value);
  const parsed = version === null ? Number.NaN : Number(version[1]);
  return Number.isFinite(parsed) ? parsed : Number.NEGATIVE_INFINITY;
}

/** `<obtainedAt>|`; a value without it is of the older format (no version). */
const VERSION_PREFIX = /^([0-9.eE+-]+)\|/;
