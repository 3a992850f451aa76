import { randomUUID } from 'node:crypto';
import type { ApiaxAuthLogger } from '@apiax-auth/core';
import { UNAVAILABLE, type RedisConnection } from './redis-connection.js';
import type { ReleaseNotifier } from './release-notifier.js';
import { pause } from './timeouts.js';

/** Waiters poll this often (± half, so a fleet does not poll in step) in case a release message is missed. */
const POLL_INTERVAL_MS = 100;

/** A lock this process holds in Redis. */
export interface RedisLease {
  /** Stops extending the lock and deletes it if it is still ours; never throws. */
  release(): Promise<void>;
}

/** `unavailable`: Redis could not be asked; `timed-out`: another holder kept it past the deadline. */
export type AcquireResult = { lease: RedisLease } | { failure: 'unavailable' | 'timed-out' };

/**
 * The cross-instance lock: `SET lock owner NX PX lease` with a random owner, renewed by a compare-and-pexpire
 * every third of the lease while the holder works, released by a compare-and-delete that also notifies the
 * waiters.
 *
 * Two durations: `ttlMs` (from the client: the longest a grant with all its retries may take) bounds how long
 * the lock can be held at all; the lease (`min(ttlMs, leaseMs)`) is how long it outlives a holder that died.
 * Renewing a short lease, rather than taking the lock for the whole `ttlMs`, means a killed instance blocks
 * the fleet for seconds, not for minutes.
 */
export class RedisLock {
  readonly #connection: RedisConnection;
  readonly #notifier: ReleaseNotifier;
  readonly #channel: string;
  readonly #leaseMs: number;
  readonly #logger: ApiaxAuthLogger | undefined;

  constructor(options: {
    connection: RedisConnection;
    notifier: ReleaseNotifier;
    channel: string;
    leaseMs: number;
    logger: ApiaxAuthLogger | undefined;
  }) {
    this.#connection = options.connection;
    this.#notifier = options.notifier;
    this.#channel = options.channel;
    this.#leaseMs = options.leaseMs;
    this.#logger = options.logger;
  }

  /** Tries until `deadline` (a `performance.now()` time); rejects only when `signal` aborts. */
  async acquire(lockKey: string, ttlMs: number, deadline: number, signal: AbortSignal | undefined): Promise<AcquireResult> {
    this.#notifier.start();
    const owner = randomUUID();
    const leaseMs = Math.min(ttlMs, this.#leaseMs);
    // Listening before each attempt, not after it fails: the holder may release while our refused SET is on
    // its way back, and that message must still wake us rather than leave us to the next poll.
    let releases = 0;
    let wakeWaiter: (() => void) | undefined;
    const stopListening = this.#notifier.onRelease(lockKey, () => {
      releases += 1;
      wakeWaiter?.();
    });
    try {
      for (;;) {
        signal?.throwIfAborted();
        const releasesBefore = releases;
        const reply = await this.#connection.run((redis) => redis.set(lockKey, owner, 'PX', leaseMs, 'NX'));
        if (reply === UNAVAILABLE) return { failure: 'unavailable' };
        if (reply === 'OK') return { lease: this.#lease(lockKey, owner, leaseMs, performance.now() + ttlMs) };
        const remaining = deadline - performance.now();
        if (remaining <= 0) return { failure: 'timed-out' };
        if (releases !== releasesBefore) continue;
        const pollMs = POLL_INTERVAL_MS * (0.5 + Math.random());
        await pause(Math.min(remaining, pollMs), signal, (wake) => {
          wakeWaiter = wake;
          return () => (wakeWaiter = undefined);
        });
      }
    } finally {
      stopListening();
    }
  }

  /** Renews the lease while the holder works, but never past `holdUntil` (a `performance.now()` time). */
  #lease(lockKey: string, owner: string, leaseMs: number, holdUntil: number): RedisLease {
    let lost = false;
    const renew = (): void => {
      const renewMs = Math.min(leaseMs, Math.floor(holdUntil - performance.now()));
      if (renewMs <= 0) {
        clearInterval(renewer);
        return;
      }
      void this.#connection.run((redis) => redis.apiaxAuthExtendLock(lockKey, owner, renewMs)).then((renewed) => {
        if (renewed !== 0 || lost) return;
        lost = true;
        this.#logger?.warn('Redis token store: a lock expired while its holder was still working; another instance may run a grant too.', {
          lock: lockKey,
        });
      });
    };
    const renewer = setInterval(renew, Math.max(Math.floor(leaseMs / 3), 10));
    renewer.unref();
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(renewer);
        // If Redis is unavailable the lock simply expires at the end of its lease.
        await this.#connection.run((redis) => redis.apiaxAuthReleaseLock(lockKey, owner, this.#channel, lockKey));
      },
    };
  }
}
