import type { ApiaxClock } from '@apiax-auth/core';

/**
 * The clock every demo client reads. Fast-forwarding the fake Apiax alone would make the server think
 * tokens expired while the clients still trust them; moving both by the same amount replays what
 * really happens when time passes, without waiting for it.
 *
 * It is a full `ApiaxClock`: its timers follow its own time, so when it jumps, a client's renewal timer
 * that is now due fires at once (no client needs a nudge after a jump).
 */
export interface DemoClock extends ApiaxClock {
  /** Epoch ms: the wall clock plus every advance so far. */
  readonly now: () => number;
  /** Moves this clock forward; never backwards, as a real clock would not. Timers now due fire. */
  advance(seconds: number): void;
  /** How far ahead of the wall clock this clock runs (ms). */
  readonly offsetMs: number;
}

interface PendingTimer {
  due: number;
  callback: () => void;
  handle: ReturnType<typeof setTimeout> | undefined;
}

export function createDemoClock(wallClock: () => number = Date.now): DemoClock {
  let offsetMs = 0;
  const pending = new Set<PendingTimer>();
  const now = (): number => wallClock() + offsetMs;
  // (Re)arms a real timer for what is left of `timer` on this clock.
  const arm = (timer: PendingTimer): void => {
    if (timer.handle !== undefined) clearTimeout(timer.handle);
    const delay = Math.min(2 ** 31 - 1, Math.max(0, timer.due - now()));
    timer.handle = setTimeout(() => {
      pending.delete(timer);
      timer.callback();
    }, delay);
    timer.handle.unref?.();
  };
  return {
    now,
    setTimeout(callback, delayMs) {
      const timer: PendingTimer = { due: now() + delayMs, callback, handle: undefined };
      pending.add(timer);
      arm(timer);
      return timer;
    },
    clearTimeout(handle) {
      const timer = handle as PendingTimer;
      if (!pending.delete(timer)) return;
      if (timer.handle !== undefined) clearTimeout(timer.handle);
    },
    advance(seconds: number) {
      if (!Number.isFinite(seconds) || seconds <= 0) {
        throw new RangeError(`advance(seconds): expected a positive number of seconds, got ${String(seconds)}`);
      }
      offsetMs += Math.round(seconds * 1000);
      for (const timer of pending) arm(timer);
    },
    get offsetMs() {
      return offsetMs;
    },
  };
}
