import type { ApiaxAuthLogger } from '@apiax-auth/core';
import type { Cluster, Redis } from 'ioredis';
import { invalidConfig } from './config-error.js';
import { parseEncryptionKeys, type EncryptionKey, type EncryptionKeyInput } from './encryption-keys.js';

/** Options of {@link RedisTokenStore}. Give either `url` or `client`. */
export interface RedisTokenStoreOptions {
  /**
   * `redis://[[user]:password@]host[:port][/db]` or `rediss://…` (TLS). The store opens (lazily, on first use)
   * and closes its own connections.
   */
  url?: string | undefined;
  /**
   * An ioredis client you already have: a `Redis` (standalone, or Sentinel with `sentinels` and `name`) or a
   * `Cluster`. The store uses it as is, never closes it, and opens one duplicate of it for lock notifications
   * (pub/sub). The store bounds every command by `commandTimeoutMs`.
   */
  client?: Redis | Cluster | undefined;
  /**
   * Encrypts records at rest with AES-256-GCM (required, unless `insecurePlaintext`): a 32-byte key as a
   * Buffer, a 64-character hex string or a base64 string. An array rotates keys: records are written with
   * the first key and read with any of them. Plain records are refused.
   */
  encryptionKey?: EncryptionKeyInput | readonly EncryptionKeyInput[] | undefined;
  /**
   * Stores tokens as plain JSON, readable (and plantable) by anyone with access to Redis. Only for local
   * development; the store logs a warning once when it is on.
   */
  insecurePlaintext?: boolean | undefined;
  /** Prepended to every Redis key and the notification channel; default `apiax-auth:`. */
  keyPrefix?: string | undefined;
  /** Receives the store's warnings (a refused record, a lock taken over); silent by default. */
  logger?: ApiaxAuthLogger | undefined;
  /** Longest wait for one Redis command (and for the first connection) before the call rejects (ms); default 2000. */
  commandTimeoutMs?: number | undefined;
  /**
   * How long a lock outlives an instance that died while holding it (ms); default 10 000. A live holder renews
   * it every third of this, up to the lock's `ttlMs`. Raise it if your event loop can stall for seconds.
   */
  lockLeaseMs?: number | undefined;
  /**
   * The clock (epoch ms) the store judges a record's age by: give it the same `now` as the client. A waiter
   * adopts a renewal without the lock only while the record is in the first half of its life.
   */
  now?: (() => number) | undefined;
}

/** The options after validation, with defaults applied. */
export interface ResolvedStoreOptions {
  url: string | undefined;
  client: Redis | Cluster | undefined;
  encryptionKeys: EncryptionKey[];
  insecurePlaintext: boolean;
  keyPrefix: string;
  logger: ApiaxAuthLogger | undefined;
  commandTimeoutMs: number;
  lockLeaseMs: number;
  now: () => number;
}

const DEFAULT_KEY_PREFIX = 'apiax-auth:';
const DEFAULT_COMMAND_TIMEOUT_MS = 2000;
const DEFAULT_LOCK_LEASE_MS = 10_000;

/** Validates the options at construction so a misconfigured store fails at startup, naming the option. */
export function resolveStoreOptions(options: RedisTokenStoreOptions): ResolvedStoreOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalidConfig('options must be an object with `url` or `client`.');
  }
  const { url, client } = options;
  if (url !== undefined && client !== undefined) {
    throw invalidConfig('give either `url` or `client`, not both.');
  }
  if (url === undefined && client === undefined) {
    throw invalidConfig('`url` is required (e.g. redis://localhost:6379), or pass an ioredis `client`.');
  }
  if (url !== undefined) validateUrl(url);
  if (client !== undefined && !looksLikeIoredisClient(client)) {
    throw invalidConfig('`client` must be an ioredis client (new Redis(...) or new Cluster(...)).');
  }
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  if (typeof keyPrefix !== 'string') throw invalidConfig('`keyPrefix` must be a string.');
  const logger = options.logger;
  if (logger !== undefined && !isLogger(logger)) {
    throw invalidConfig('`logger` must have debug, info, warn and error methods.');
  }
  const insecurePlaintext = options.insecurePlaintext ?? false;
  if (typeof insecurePlaintext !== 'boolean') throw invalidConfig('`insecurePlaintext` must be a boolean.');
  const encryptionKeys = parseEncryptionKeys(options.encryptionKey);
  if (encryptionKeys.length === 0 && !insecurePlaintext) {
    throw invalidConfig(
      '`encryptionKey` is required: records hold tokens (`openssl rand -base64 32`). ' +
        'For local development only, `insecurePlaintext: true` stores them unencrypted.',
    );
  }
  if (encryptionKeys.length > 0 && insecurePlaintext) {
    throw invalidConfig('give either `encryptionKey` or `insecurePlaintext: true`, not both.');
  }
  const commandTimeoutMs = positiveMs(options.commandTimeoutMs, 'commandTimeoutMs') ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const lockLeaseMs = positiveMs(options.lockLeaseMs, 'lockLeaseMs') ?? DEFAULT_LOCK_LEASE_MS;
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw invalidConfig('`now` must be a function returning epoch milliseconds.');
  return {
    now,
    url,
    client,
    encryptionKeys,
    insecurePlaintext,
    keyPrefix,
    logger,
    commandTimeoutMs,
    lockLeaseMs,
  };
}

function positiveMs(value: unknown, optionName: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || value > 2 ** 31 - 1) {
    throw invalidConfig(`\`${optionName}\` must be a number of milliseconds between 1 and 2^31-1.`);
  }
  return value;
}

function validateUrl(url: unknown): void {
  if (typeof url !== 'string' || url.trim() === '') {
    throw invalidConfig('`url` must be a non-empty redis:// or rediss:// URL.');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidConfig('`url` is not a valid URL (expected redis://host:port or rediss://host:port).');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw invalidConfig(`\`url\` must use redis: or rediss:, not ${parsed.protocol}`);
  }
}

function looksLikeIoredisClient(client: unknown): boolean {
  if (typeof client !== 'object' || client === null) return false;
  const candidate = client as Record<string, unknown>;
  return ['get', 'set', 'del', 'duplicate', 'defineCommand', 'on'].every((name) => typeof candidate[name] === 'function');
}

function isLogger(logger: unknown): logger is ApiaxAuthLogger {
  if (typeof logger !== 'object' || logger === null) return false;
  const candidate = logger as Record<string, unknown>;
  return ['debug', 'info', 'warn', 'error'].every((level) => typeof candidate[level] === 'function');
}
