/**
 * A controllable clock, to share one notion of "now" between the fake and the client under test.
 *
 * Time is an input: instead of sleeping until a token expires, advance the shared clock.
 */
export interface TestClock {
  /** Current time in epoch milliseconds. Safe to pass as a bare function (`now: clock.now`). */
  now(): number;
  /** Moves the clock forward (or backward, with a negative value) by `seconds`; timers now due fire, in order. */
  advance(seconds: number): void;
  /** Jumps to an absolute time in epoch milliseconds; timers now due fire, in order. */
  set(epochMs: number): void;
  /**
   * A timer on this clock's time: it fires when the clock is moved to or past its due time, never by
   * itself. With `setTimeout`/`clearTimeout`, a TestClock is a full clock for the client (`clock` option).
   */
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Creates a {@link TestClock} starting at `startEpochMs` (default: the real time at creation). The clock only
 * moves when told to, so tests are deterministic.
 */
export function createTestClock(startEpochMs: number = Date.now()): TestClock {
  assertFiniteNumber(startEpochMs, 'startEpochMs');
  let current = startEpochMs;
  let sequence = 0;
  const timers = new Map<number, { due: number; callback: () => void }>();
  const fireDue = (): void => {
    for (;;) {
      // The earliest due timer first; among equals, the first scheduled. Callbacks may schedule more.
      let next: [number, { due: number; callback: () => void }] | undefined;
      for (const entry of timers) if (entry[1].due <= current && (next === undefined || entry[1].due < next[1].due)) next = entry;
      if (next === undefined) return;
      timers.delete(next[0]);
      next[1].callback();
    }
  };
  return {
    now: () => current,
    advance: (seconds: number) => {
      assertFiniteNumber(seconds, 'seconds');
      current += seconds * 1000;
      fireDue();
    },
    set: (epochMs: number) => {
      assertFiniteNumber(epochMs, 'epochMs');
      current = epochMs;
      fireDue();
    },
    setTimeout: (callback: () => void, delayMs: number) => {
      sequence += 1;
      timers.set(sequence, { due: current + Math.max(0, delayMs), callback });
      return sequence;
    },
    clearTimeout: (handle: unknown) => {
      timers.delete(handle as number);
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
