import type { Cluster, Redis } from 'ioredis';

/** Called with the stored record value a release published ('' when there was none). */
export type ReleaseListener = (recordValue: string) => void;

/**
 * Wakes the callers waiting for a lock as soon as its holder releases it: the release script publishes
 * `<lock name>\n<record value>` on one channel, and one subscriber connection per store fans the message out.
 * Carrying the record lets every waiter adopt the new token without one more command: the fleet's
 * coordination stays linear in its size. Waiters also poll, so a missed message (subscriber reconnecting,
 * holder died without releasing) only costs a poll.
 */
export class ReleaseNotifier {
  readonly #createSubscriber: () => Redis | Cluster;
  readonly #channel: string;
  readonly #listeners = new Map<string, Set<ReleaseListener>>();
  #subscriber: Redis | Cluster | undefined;

  constructor(createSubscriber: () => Redis | Cluster, channel: string) {
    this.#createSubscriber = createSubscriber;
    this.#channel = channel;
  }

  /** Connects and subscribes in the background; safe to call many times. */
  start(): void {
    if (this.#subscriber !== undefined) return;
    const subscriber = this.#createSubscriber();
    this.#subscriber = subscriber;
    // Connection errors are the commands' concern (they reject, and waiters poll); keep them off the console.
    subscriber.on('error', () => {});
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.#channel) this.#notify(message);
    });
    subscriber.subscribe(this.#channel).catch(() => {});
  }

  /** Registers `listener` for the releases of `lockKey`; returns the function that unregisters it. */
  onRelease(lockKey: string, listener: ReleaseListener): () => void {
    let listeners = this.#listeners.get(lockKey);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(lockKey, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#listeners.get(lockKey) === listeners) this.#listeners.delete(lockKey);
    };
  }

  close(): void {
    this.#subscriber?.disconnect();
    this.#subscriber = undefined;
  }

  #notify(message: string): void {
    const newline = message.indexOf('\n');
    const lockKey = newline === -1 ? message : message.slice(0, newline);
    const listeners = this.#listeners.get(lockKey);
    if (listeners === undefined) return;
    const recordValue = newline === -1 ? '' : message.slice(newline + 1);
    for (const listener of [...listeners]) listener(recordValue);
  }
}
