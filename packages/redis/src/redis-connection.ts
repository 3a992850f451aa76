import { Redis, type Cluster, type RedisOptions } from 'ioredis';
import { STORE_SCRIPTS, type StoreCommands } from './lock-scripts.js';
import { describeRedisFailure, RedisUnavailableError } from './redis-unavailable.js';
import { withTimeout } from './timeouts.js';

/** The client the store runs its commands on: standalone, Sentinel or Cluster, with the store's scripts. */
export type StoreRedis = (Redis | Cluster) & StoreCommands;

/** Where the connection goes: a URL the store opens itself, or a client the caller owns. */
export interface RedisConnectionOptions {
  url: string | undefined;
  client: Redis | Cluster | undefined;
  commandTimeoutMs: number;
}

/**
 * The store's link to Redis: it opens the connection lazily (again after a close) and bounds every command
 * by a timeout. It keeps nothing for later: a command Redis cannot answer rejects at once with a
 * {@link RedisUnavailableError} naming the cause, and core decides what to do (see core's store contract).
 */
export class RedisConnection {
  readonly #options: RedisConnectionOptions;
  readonly #ownsClient: boolean;
  #client: StoreRedis | undefined;
  /** Why the connection last failed, from the client's `error` events: the cause a failed command names. */
  #lastFailure: string | undefined;
  readonly #onError = (error: unknown): void => {
    this.#lastFailure = describeRedisFailure(error);
  };

  constructor(options: RedisConnectionOptions) {
    this.#options = options;
    this.#ownsClient = options.client === undefined;
  }

  /** Runs one command; rejects with {@link RedisUnavailableError} when Redis is down, slow, or answers an error. */
  async run<T>(command: (client: StoreRedis) => Promise<T>): Promise<T> {
    const client = this.#connect();
    try {
      await this.#whenReady(client);
      return await withTimeout(command(client), this.#options.commandTimeoutMs, 'Redis command');
    } catch (error) {
      throw new RedisUnavailableError(this.#causeOf(error));
    }
  }

  /** A second connection for pub/sub (a subscribed connection can run no other command). */
  createSubscriber(): Redis | Cluster {
    // Keep the SUBSCRIBE queued through an outage; ioredis re-subscribes after every reconnect.
    const { client } = this.#options;
    if (client instanceof Redis) return client.duplicate({ lazyConnect: true, enableOfflineQueue: true, maxRetriesPerRequest: null });
    if (client !== undefined) return client.duplicate([], { enableOfflineQueue: true, lazyConnect: true });
    return new Redis(this.#options.url as string, {
      ...ownedClientOptions(this.#options.commandTimeoutMs),
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      // SUBSCRIBE is served while Redis loads its data: no INFO round trip per connection (a fleet of 400
      // instances starting at once would send 400 of them for nothing).
      enableReadyCheck: false,
    });
  }

  /** Closes the connection (never a client passed in); a later {@link run} opens a new one. */
  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client === undefined) return;
    client.off('error', this.#onError);
    if (!this.#ownsClient) return;
    if (client.status === 'ready') {
      await withTimeout(client.quit(), this.#options.commandTimeoutMs, 'Redis QUIT').catch(() => {});
    }
    client.disconnect();
  }

  #connect(): StoreRedis {
    if (this.#client !== undefined) return this.#client;
    const client = this.#options.client ?? new Redis(this.#options.url as string, ownedClientOptions(this.#options.commandTimeoutMs));
    client.on('error', this.#onError);
    for (const [name, script] of Object.entries(STORE_SCRIPTS)) {
      if (typeof (client as unknown as Record<string, unknown>)[name] !== 'function') client.defineCommand(name, script);
    }
    this.#client = client as StoreRedis;
    return this.#client;
  }

  /**
   * The first call may wait for the first connection, twice as long as for a command (a fleet that starts
   * at once connects all at once; giving up early would send every instance to log in on its own). A
   * connection that was lost
   * is not waited for: ioredis reconnects in the background and the call rejects now, so that core serves
   * from its own copy at once instead of every caller waiting out a timeout.
   */
  async #whenReady(client: StoreRedis): Promise<void> {
    if (client.status === 'ready') return;
    if (client.status === 'end' || client.status === 'close') throw new Error('Connection is closed');
    if (client.status === 'reconnecting') throw new Error(this.#lastFailure ?? 'Connection is closed');
    if (client.status === 'wait') client.connect().catch(() => {});
    let onReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      onReady = resolve;
      client.once('ready', onReady);
    });
    await withTimeout(ready, 2 * this.#options.commandTimeoutMs, 'Redis connection').finally(() => client.off('ready', onReady));
  }

  #causeOf(error: unknown): string {
    const message = error instanceof Error ? error.message : '';
    if (/timed out after/.test(message)) {
      // A connection attempt that failed meanwhile says more than the timeout it caused.
      return message.startsWith('Redis connection') && this.#lastFailure !== undefined ? this.#lastFailure : message;
    }
    const cause = describeRedisFailure(error);
    return cause === 'not connected' && this.#lastFailure !== undefined ? this.#lastFailure : cause;
  }
}

function ownedClientOptions(commandTimeoutMs: number): RedisOptions {
  return {
    lazyConnect: true,
    // Fail fast while disconnected instead of queueing: core serves from its own copy meanwhile.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // No `commandTimeout`: the store bounds each command itself (see withTimeout), robustly to event-loop stalls.
    connectTimeout: Math.max(2 * commandTimeoutMs, 2000),
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 1000),
  };
}
