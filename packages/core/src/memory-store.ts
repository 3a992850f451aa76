import { sleep, systemClock, unrefTimer, type ApiaxClock } from './clock.js';
import type { StoredRecord, TokenStore, TokenStoreLockOptions } from './store.js';

/**
 * The default store: records live in this process only. Its `withLock` is an in-process mutex per
 * key, so several clients of the same account sharing one `MemoryTokenStore` share one grant.
 */
export class MemoryTokenStore implements TokenStore {
  readonly #clock: ApiaxClock;
  readonly #records = new Map<string, StoredRecord>();
  /** Per key: settles once the current holder and everyone queued before the last arrival are done. */
  readonly #queues = new Map<string, Promise<void>>();

  /** `clock`: whose timers bound lock waits and leases; default the system clock. */
  constructor(options: { clock?: ApiaxClock } = {}) {
    this.#clock = options.clock ?? systemClock();
  }

  get(key: string): Promise<StoredRecord | null> {
    const record = this.#records.get(key);
    // Copies: a caller mutating what it got must not change what others read.
    return Promise.resolve(record === undefined ? null : { ...record });
  }

  /** Compare-and-set: a record older than the one held (by `obtainedAt`) is dropped. */
  set(key: string, record: StoredRecord): Promise<void> {
    const held = this.#records.get(key);
    if (held === undefined || held.obtainedAt <= record.obtainedAt) this.#records.set(key, { ...record });
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.#records.delete(key);
    return Promise.resolve();
  }

  /**
   * Runs `critical` once the previous holders of `key` are done, or after `waitMs` (then without
   * the lock, as the contract says); a holder is considered gone after `ttlMs`.
   */
  async withLock<T>(key: string, critical: () => Promise<T>, options: TokenStoreLockOptions): Promise<T> {
    const previous = this.#queues.get(key) ?? Promise.resolve();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const queue = previous.then(() => held);
    this.#queues.set(key, queue);

    await waitAtMost(this.#clock, previous, options.waitMs, options.signal);
    const expiry = this.#clock.setTimeout(release, options.ttlMs);
    unrefTimer(expiry); // a lease, not a wait: it keeps no process alive
    try {
      return await critical();
    } finally {
      this.#clock.clearTimeout(expiry);
      release();
      if (this.#queues.get(key) === queue) this.#queues.delete(key);
    }
  }
}

/** Resolves when `promise` does, or after `ms` of clock time, or on abort, whichever comes first. */
async function waitAtMost(clock: ApiaxClock, promise: Promise<void>, ms: number, signal: AbortSignal | undefined): Promise<void> {
  const done = new AbortController();
  const stop = signal === undefined ? done.signal : AbortSignal.any([signal, done.signal]);
  await Promise.race([promise, sleep(clock, ms, stop)]);
  done.abort(); // clears the timer of a wait that the holder's release ended
}
