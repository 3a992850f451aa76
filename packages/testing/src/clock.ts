/**
 * A controllable clock, to share one notion of "now" between the fake and the client under test.
 *
 * Time is an input: instead of sleeping until a token expires, advance the shared clock.
 */
export interface TestClock {
  /** Current time in epoch milliseconds. Safe to pass as a bare function (`now: clock.now`). */
  now(): number;
  /** Moves the clock forward (or backward, with a negative value) by `seconds`. */
  advance(seconds: number): void;
  /** Jumps to an absolute time in epoch milliseconds. */
  set(epochMs: number): void;
}

/**
 * Creates a {@link TestClock} starting at `startEpochMs` (default: the real time at creation). The clock only
 * moves when told to, so tests are deterministic.
 */
export function createTestClock(startEpochMs: number = Date.now()): TestClock {
  assertFiniteNumber(startEpochMs, 'startEpochMs');
  let current = startEpochMs;
  return {
    now: () => current,
    advance: (seconds: number) => {
      assertFiniteNumber(seconds, 'seconds');
      current += seconds * 1000;
    },
    set: (epochMs: number) => {
      assertFiniteNumber(epochMs, 'epochMs');
      current = epochMs;
    },
  };
}

/**
 * The fake's own clock: the configured `now` source plus an offset that `advance()` moves. Lets the fake be driven
 * through its own API (or the admin endpoint, from another process) even when it reads the real time.
 */
export class OffsetClock {
  #offsetMs = 0;
  readonly #source: () => number;

  constructor(source: () => number) {
    this.#source = source;
  }

  /** The fake's current time, epoch ms. */
  now(): number {
    return this.#source() + this.#offsetMs;
  }

  /** Moves the fake's time forward by `seconds`. */
  advance(seconds: number): void {
    assertFiniteNumber(seconds, 'seconds');
    this.#offsetMs += seconds * 1000;
  }
}

/** Epoch seconds, as JWT claims use. */
export function toEpochSeconds(epochMs: number): number {
  return Math.floor(epochMs / 1000);
}

function assertFiniteNumber(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${name} must be a finite number, got ${String(value)}`);
  }
}
