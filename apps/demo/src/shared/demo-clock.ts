/**
 * The clock every demo client reads. Fast-forwarding the fake Apiax alone would make the server think
 * tokens expired while the clients still trust them; moving both by the same amount replays what
 * really happens when time passes, without waiting for it.
 */
export interface DemoClock {
  /** Epoch ms: the wall clock plus every advance so far. Pass it as the client's `now`. */
  readonly now: () => number;
  /** Moves this clock forward; never backwards, as a real clock would not. */
  advance(seconds: number): void;
  /** How far ahead of the wall clock this clock runs (ms). */
  readonly offsetMs: number;
}

export function createDemoClock(wallClock: () => number = Date.now): DemoClock {
  let offsetMs = 0;
  return {
    now: () => wallClock() + offsetMs,
    advance(seconds: number) {
      if (!Number.isFinite(seconds) || seconds <= 0) {
        throw new RangeError(`advance(seconds): expected a positive number of seconds, got ${String(seconds)}`);
      }
      offsetMs += Math.round(seconds * 1000);
    },
    get offsetMs() {
      return offsetMs;
    },
  };
}
