import type { Redis } from 'ioredis';

/**
 * Wakes the callers waiting for a lock as soon as its holder releases it: the release script publishes the
 * lock's key on one channel, and one subscriber connection per store fans the message out. Waiters also poll,
 * so a missed message (subscriber reconnecting, holder died without releasing) only costs one poll interval.
 */
export class ReleaseNotifier {
  readonly #createSubscriber: () => Redis;
  readonly #channel: string;
  readonly #listeners = new Map<string, Set<() => void>>();
  #subscriber: Redis | undefined;

  constructor(createSubscriber: () => Redis, channel: string) {
    this.#createSubscriber = createSubscriber;
    this.#channel = channel;
  }

  /** Connects and subscribes in the background; safe to call many times. */
  start(): void {
    if (this.#subscriber !== undefined) return;
    const subscriber = this.#createSubscriber();
    this.#subscriber = subscriber;
    // Connection errors are the store's concern (it falls back to polling); keep them off the console.
    subscriber.on('error', () => {});
    subscriber.on('message', (channel: string, lockKey: string) => {
      if (channel === this.#channel) this.#notify(lockKey);
    });
    subscriber.subscribe(this.#channel).catch(() => {});
  }

  /** Registers `wake` for the next release of `lockKey`; returns the function that unregisters it. */
  onRelease(lockKey: string, wake: () => void): () => void {
    let listeners = this.#listeners.get(lockKey);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(lockKey, listeners);
    }
    listeners.add(wake);
    return () => {
      listeners.delete(wake);
      if (listeners.size === 0 && this.#listeners.get(lockKey) === listeners) this.#listeners.delete(lockKey);
    };
  }

  close(): void {
    this.#subscriber?.disconnect();
    this.#subscriber = undefined;
  }

  #notify(lockKey: string): void {
    const listeners = this.#listeners.get(lockKey);
    if (listeners === undefined) return;
    for (const wake of [...listeners]) wake();
  }
}
