import { abortReason } from './timeouts.js';

/** Gives the lock back; calling it twice is harmless. */
export type Release = () => void;

interface Waiter {
  wake(): void;
}

/**
 * In-process mutual exclusion per key, first come first served. It serialises the callers of one process
 * before they contend for the Redis lock, and is the whole lock while Redis is unavailable.
 */
export class KeyedMutex {
  /** A key is present while held; its value is the queue of waiters. */
  readonly #held = new Map<string, Waiter[]>();

  /**
   * Resolves with a release function once the key is ours, or with `null` when `timeoutMs` passed first
   * (the caller then proceeds without the lock). Rejects with the signal's reason on abort.
   */
  acquire(key: string, timeoutMs: number, signal?: AbortSignal): Promise<Release | null> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const waiters = this.#held.get(key);
    if (waiters === undefined) {
      this.#held.set(key, []);
      return Promise.resolve(this.#releaser(key));
    }
    return new Promise<Release | null>((resolve, reject) => {
      const leave = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const index = waiters.indexOf(waiter);
        if (index !== -1) waiters.splice(index, 1);
      };
      const waiter: Waiter = {
        wake: () => {
          leave();
          resolve(this.#releaser(key));
        },
      };
      const timer = setTimeout(() => {
        leave();
        resolve(null);
      }, timeoutMs);
      const onAbort = (): void => {
        leave();
        reject(abortReason(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      waiters.push(waiter);
    });
  }

  #releaser(key: string): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#held.get(key)?.shift();
      if (next === undefined) this.#held.delete(key);
      else next.wake();
    };
  }
}
