import { Redis, type RedisOptions } from 'ioredis';
import type { ApiaxAuthLogger } from '@apiax-auth/core';
import { LOCK_SCRIPTS, type LockCommands } from './lock-scripts.js';
import { RedisHealth } from './redis-health.js';
import { withTimeout } from './timeouts.js';

/** What {@link RedisConnection.run} returns instead of throwing when Redis could not answer. */
export const UNAVAILABLE = Symbol('redis unavailable');
export type Unavailable = typeof UNAVAILABLE;

export type StoreRedis = Redis & LockCommands;

export interface RedisConnectionOptions {
  url: string | undefined;
  client: Redis | undefined;
  commandTimeoutMs: number;
  logger: ApiaxAuthLogger | undefined;
  /** Called after every (re)connection, when the server may have lost its data (a restart). */
  onReady: () => void;
}

/**
 * The store's link to Redis: it opens the connection lazily (again after a close), bounds every command by a
 * timeout, never throws (a failure becomes {@link UNAVAILABLE} and degrades the store, with one warning), and
 * counts connections so the store can tell when Redis may have restarted empty.
 */
export class RedisConnection {
  readonly #options: RedisConnectionOptions;
  readonly #health: RedisHealth;
  readonly #ownsClient: boolean;
  #client: StoreRedis | undefined;
  #readyCount = 0;
  readonly #onReady = (): void => {
    this.#readyCount += 1;
    this.#health.reconnected();
    this.#options.onReady();
  };

  constructor(options: RedisConnectionOptions) {
    this.#options = options;
    this.#health = new RedisHealth(options.logger);
    this.#ownsClient = options.client === undefined;
  }

  /** How many times the connection became ready: a record confirmed under an older count may be gone. */
  get epoch(): number {
    return this.#readyCount;
  }

  /**
   * Runs one command; resolves with {@link UNAVAILABLE} when Redis is down, slow, or answers an error.
   * `command` also receives the {@link epoch} of the connection it runs on.
   */
  async run<T>(command: (client: StoreRedis, epoch: number) => Promise<T>): Promise<T | Unavailable> {
    const client = this.#connect();
    if (!this.#health.shouldTry(client.status === 'ready')) return UNAVAILABLE;
    try {
      await this.#whenReady(client);
      const result = await withTimeout(command(client, this.#readyCount), this.#options.commandTimeoutMs, 'Redis command');
      this.#health.succeeded();
      return result;
    } catch (error) {
      // A command cut short by close() says nothing about Redis' health.
      if (client === this.#client) this.#health.failed(error);
      return UNAVAILABLE;
    }
  }

  /** A second connection for pub/sub (a subscribed connection can run no other command). */
  createSubscriber(): Redis {
    const overrides: Partial<RedisOptions> = {
      lazyConnect: true,
      enableOfflineQueue: true,
      // Keep the SUBSCRIBE queued through an outage; ioredis re-subscribes after every reconnect.
      maxRetriesPerRequest: null,
    };
    if (this.#options.client !== undefined) return this.#options.client.duplicate(overrides);
    return new Redis(this.#options.url as string, { ...ownedClientOptions(this.#options.commandTimeoutMs), ...overrides });
  }

  /** Closes the connection (never a client passed in); a later {@link run} opens a new one. */
  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client === undefined) return;
    client.off('ready', this.#onReady);
    if (!this.#ownsClient) return;
    if (client.status === 'ready') {
      await withTimeout(client.quit(), this.#options.commandTimeoutMs, 'Redis QUIT').catch(() => {});
    }
    client.disconnect();
  }

  #connect(): StoreRedis {
    if (this.#client !== undefined) return this.#client;
    const client =
      this.#options.client ?? new Redis(this.#options.url as string, ownedClientOptions(this.#options.commandTimeoutMs));
    if (this.#ownsClient) client.on('error', () => {}); // failures surface through commands, once
    for (const [name, script] of Object.entries(LOCK_SCRIPTS)) {
      if (typeof (client as unknown as Record<string, unknown>)[name] !== 'function') client.defineCommand(name, script);
    }
    client.on('ready', this.#onReady);
    if (client.status === 'ready') this.#onReady();
    this.#client = client as StoreRedis;
    return this.#client;
  }

  // Before the first connection (or right after losing one while healthy) a call may wait for the connection
  // as long as for a command; once degraded, calls do not wait at all (see RedisHealth.shouldTry).
  async #whenReady(client: StoreRedis): Promise<void> {
    if (client.status === 'ready') return;
    if (client.status === 'wait') client.connect().catch(() => {});
    if (client.status === 'end') throw new Error('Redis connection is closed');
    let onReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      onReady = resolve;
      client.once('ready', onReady);
    });
    await withTimeout(ready, this.#options.commandTimeoutMs, 'Redis connection').finally(() => client.off('ready', onReady));
  }
}

function ownedClientOptions(commandTimeoutMs: number): RedisOptions {
  return {
    lazyConnect: true,
    // Fail fast while disconnected instead of queueing: the store falls back to this process meanwhile.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // No `commandTimeout`: the store bounds each command itself (see withTimeout), robustly to event-loop stalls.
    connectTimeout: Math.max(2 * commandTimeoutMs, 2000),
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 1000),
  };
}
