import type { ApiaxAuthLogger } from '@apiax-auth/core';

/** While degraded and Redis still looks connected (a slow server), try it again at most this often. */
const PROBE_INTERVAL_MS = 1000;

/**
 * Whether the store currently shares through Redis or falls back to this process. It logs ONE warning when
 * Redis fails and one info when it answers again, however many calls fail in between, and spares callers
 * the wait of a command that is bound to time out.
 */
export class RedisHealth {
  readonly #logger: ApiaxAuthLogger | undefined;
  #degraded = false;
  #lastFailureAt = 0;
  #reconnectedSinceFailure = false;

  constructor(logger: ApiaxAuthLogger | undefined) {
    this.#logger = logger;
  }

  /** Whether a call should try Redis now; `connected` is whether the client's connection is ready. */
  shouldTry(connected: boolean): boolean {
    if (!this.#degraded) return true;
    if (!connected) return false;
    return this.#reconnectedSinceFailure || performance.now() - this.#lastFailureAt >= PROBE_INTERVAL_MS;
  }

  /** The client (re)connected: the next call may try Redis at once. */
  reconnected(): void {
    this.#reconnectedSinceFailure = true;
  }

  succeeded(): void {
    if (!this.#degraded) return;
    this.#degraded = false;
    this.#logger?.info('Redis token store: Redis is back; instances share tokens and locks again.');
  }

  failed(error: unknown): void {
    this.#lastFailureAt = performance.now();
    this.#reconnectedSinceFailure = false;
    if (this.#degraded) return;
    this.#degraded = true;
    this.#logger?.warn(
      'Redis token store: Redis is unavailable; tokens and locks stay in this process until it is back ' +
        '(instances no longer coordinate meanwhile).',
      { error: describeRedisError(error) },
    );
  }
}

/** The error's message with any credentials of a redis:// URL removed, for logs. */
export function describeRedisError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/(rediss?:\/\/)[^@\s/]*@/gi, '$1***@').slice(0, 300);
}
