import { randomUUID } from 'node:crypto';
import type { ApiaxAuthLogger, TokenRecord } from '@apiax-auth/core';
import type { RedisConnection } from './redis-connection.js';
import type { RedisKeys } from './redis-keys.js';
import type { ReleaseNotifier } from './release-notifier.js';
import { storedVersion } from './shared-records.js';
import { pause } from './timeouts.js';

/** The first poll comes after ~100 ms, then less and less often: release messages are what wakes waiters. */
const FIRST_POLL_MS = 100;
const MAX_POLL_MS = 1000;

/** A lock this process holds in Redis. */
export interface RedisLease {
  /** Stops extending the lock and deletes it if it is still ours; never throws. */
  release(): Promise<void>;
}

/**
 * `lease`: the lock is ours. `adopted`: while we waited, the fleet renewed: here is the new record, no lock
 * needed. `timed-out`: another holder kept the lock past the deadline.
 */
export type AcquireResult = { lease: RedisLease } | { adopted: TokenRecord } | { failure: 'timed-out' };

/**
 * Decides whether a stored value (from a refused attempt or a release message) is a renewal this waiter can
 * adopt: a usable token record newer than `baselineVersion`, the version Redis held when the wait began.
 */
export type Adoptable = (value: string, baselineVersion: number) => TokenRecord | null;

/**
 * The cross-instance lock: `SET lock owner NX PX lease` with a random owner (in a script that answers the
 * current record when the lock is taken), renewed by a compare-and-pexpire every third of the lease while
 * the holder works, released by a compare-and-delete that publishes the record it leaves behind.
 *
 * Waiting is linear in the fleet's size: a waiter sends one attempt, then sleeps until a release message
 * (or a slow poll) tells it what the record is now. If the record is newer than when it began waiting, it
 * adopts it without the lock; only while the record is still stale does it try the lock again.
 *
 * Two durations: `ttlMs` (from the client: the longest a grant with all its retries may take) bounds how long
 * the lock can be held at all; the lease (`min(ttlMs, leaseMs)`) is how long it outlives a holder that died.
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

  /**
   * Tries until `deadline` (a `performance.now()` time). Rejects when Redis is unavailable (core then renews
   * on its own) or when `signal` aborts. `knownVersion`: the newest record version this caller has seen, if
   * any: a newer one in Redis is adopted from the first attempt's answer, without taking the lock.
   */
  async acquire(
    keys: RedisKeys,
    ttlMs: number,
    deadline: number,
    signal: AbortSignal | undefined,
    adoptable: Adoptable,
    knownVersion?: number,
  ): Promise<AcquireResult> {
    this.#notifier.start();
    const owner = randomUUID();
    const leaseMs = Math.min(ttlMs, this.#leaseMs);
    // Listening before the first attempt, not after it fails: the holder may release while our refused
    // attempt is on its way back, and that message must still wake us rather than leave us to the next poll.
    let published: string | undefined;
    let wakeWaiter: (() => void) | undefined;
    const stopListening = this.#notifier.onRelease(keys.lock, (value) => {
      published = value;
      wakeWaiter?.();
    });
    // The record version Redis held when the wait began, raised past any newer record this caller could not
    // adopt (too old by now), so that it takes the lock for that one rather than wait for another.
    let baseline: number | undefined = knownVersion;
    const consider = (value: string): TokenRecord | null => {
      const adopted = adoptable(value, baseline!);
      baseline = Math.max(baseline!, storedVersion(value));
      return adopted;
    };
    try {
      for (let poll = 0; ; poll += 1) {
        signal?.throwIfAborted();
        if (published !== undefined && baseline !== undefined) {
          const adopted = consider(published);
          published = undefined;
          if (adopted !== null) return { adopted };
        }
        const known = baseline === undefined ? undefined : Math.max(baseline, -1);
        const reply = await this.#connection.run((redis) =>
          redis.apiaxAuthAcquire(keys.lock, keys.tokenRecord, owner, leaseMs, known === undefined ? '' : String(known)),
        );
        if (reply[0] === 1) return { lease: this.#lease(keys, owner, leaseMs, performance.now() + ttlMs) };
        // Answered without trying the lock: the record is newer than we knew, but not one to adopt (too old
        // by now). The baseline is past it now: try the lock again at once.
        let retryNow = false;
        if (baseline === undefined) baseline = storedVersion(reply[1]);
        else {
          retryNow = known !== undefined && storedVersion(reply[1]) > known;
          const adopted = consider(reply[1]);
          if (adopted !== null) return { adopted };
        }
        const remaining = deadline - performance.now();
        if (remaining <= 0) return { failure: 'timed-out' };
        if (published !== undefined || retryNow) continue;
        const pollMs = Math.min(MAX_POLL_MS, FIRST_POLL_MS * 2 ** poll) * (0.5 + Math.random());
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
  #lease(keys: RedisKeys, owner: string, leaseMs: number, holdUntil: number): RedisLease {
    let lost = false;
    const renew = (): void => {
      const renewMs = Math.min(leaseMs, Math.floor(holdUntil - performance.now()));
      if (renewMs <= 0) {
        clearInterval(renewer);
        return;
      }
      this.#connection
        .run((redis) => redis.apiaxAuthExtend(keys.lock, owner, renewMs))
        .then(
          (renewed) => {
            if (renewed !== 0 || lost) return;
            lost = true;
            this.#logger?.warn(
              'Redis token store: a lock expired while its holder was still working; another instance may run a grant too.',
              {
                lock: keys.lock,
              },
            );
          },
          () => {
            // Redis unavailable: the next renewal tries again, or the lock expires at the end of its lease.
          },
        );
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
        await this.#connection
          .run((redis) => redis.apiaxAuthRelease(keys.lock, keys.tokenRecord, owner, this.#channel, keys.lock))
          .catch(() => {});
      },
    };
  }
}
