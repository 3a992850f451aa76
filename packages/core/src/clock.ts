/**
 * Time, as one injectable input: what "now" is and when a timer fires. The session, the memory store and
 * error mapping read time only through a clock, so a test or the demo can move time without real waits
 * (a clock whose `setTimeout` follows its own `now` fires timers when time jumps).
 *
 * Network timeouts are the exception: a socket waits in real time, so `requestTimeoutMs` is real time.
 */
export interface ApiaxClock {
  /** Current time, epoch ms. */
  now(): number;
  /** Calls `callback` once `delayMs` of this clock's time has passed; returns a handle for {@link clearTimeout}. */
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The longest delay Node's `setTimeout` accepts; longer ones fire at once. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * The real clock: `now` (by default `Date.now`) with Node's timers, clamped so a far deadline does not fire
 * at once. Its timers keep the process alive (a caller may be waiting on one); timers nobody waits on
 * (background renewals, lock leases) are let go with {@link unrefTimer}.
 */
export function systemClock(now: () => number = Date.now): ApiaxClock {
  return {
    now,
    setTimeout(callback, delayMs) {
      return setTimeout(callback, Math.min(MAX_TIMER_DELAY_MS, Math.max(0, delayMs)));
    },
    clearTimeout(handle) {
      clearTimeout(handle as ReturnType<typeof setTimeout>);
    },
  };
}

/** Lets a timer of any clock go: a Node timer no longer keeps the process alive; other handles are left as they are. */
export function unrefTimer(handle: unknown): void {
  (handle as { unref?: () => void } | null)?.unref?.();
}

/** Resolves after `delayMs` of the clock's time, or at once when `signal` aborts (never rejects). */
export function sleep(clock: ApiaxClock, delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, delayMs);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `promise`'s outcome, or a rejection with `abortError()` the moment `signal` aborts, whichever comes first. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, abortError: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
