import { unrefTimer, type ApiaxClock } from './clock.js';

/**
 * When renewals start without a caller waiting. In background mode (`enabled`) its one timer wakes the
 * session when the policy stops answering `use`; in every mode, a failed background renewal pauses further
 * background starts for a backoff delay, so a broken endpoint is not hammered by every call that sees the
 * token due.
 *
 * It decides nothing: the session tells it when to wake (`armAt`) and what to do then (`onWake`).
 */
export class RenewalTimer {
  readonly #clock: ApiaxClock;
  readonly #enabled: boolean;
  readonly #onWake: () => void;
  #handle: unknown;
  #armed = false;
  /** Clock time before which no background renewal starts, after one failed. */
  #pausedUntil = Number.NEGATIVE_INFINITY;

  constructor(clock: ApiaxClock, enabled: boolean, onWake: () => void) {
    this.#clock = clock;
    this.#enabled = enabled;
    this.#onWake = onWake;
  }

  /** In background mode, wakes at `at` (clock time, epoch ms), replacing any earlier arming. */
  armAt(at: number): void {
    this.clear();
    if (!this.#enabled) return;
    this.#armed = true;
    this.#handle = this.#clock.setTimeout(
      () => {
        this.#armed = false;
        this.#onWake();
      },
      Math.max(0, at - this.#clock.now()),
    );
    // Nobody waits on a background renewal: it must never keep the process alive.
    unrefTimer(this.#handle);
  }

  clear(): void {
    if (this.#armed) this.#clock.clearTimeout(this.#handle);
    this.#armed = false;
  }

  /** A background renewal failed: no background start for `delayMs`. */
  pauseFor(delayMs: number): void {
    this.#pausedUntil = this.#clock.now() + delayMs;
  }

  /** A renewal succeeded: background starts are allowed again at once. */
  resume(): void {
    this.#pausedUntil = Number.NEGATIVE_INFINITY;
  }

  /** While paused, the instant the pause ends; else `null`. */
  pausedUntil(): number | null {
    return this.#clock.now() < this.#pausedUntil ? this.#pausedUntil : null;
  }
}

/**
 * What a background wake-up leads to, as a pure decision: sleep until the token is due (`useUntil`), until a
 * pause ends, or until a login cooldown ends; `null` after a cooldown without end (a client that gave up on
 * its password keeps no timer: only a new client logs in again); else `renew` now.
 */
export function wakeAction(facts: {
  useUntil: number | null;
  pausedUntil: number | null;
  cooldownUntil: number | null;
}): number | 'renew' | null {
  if (facts.useUntil !== null) return facts.useUntil;
  if (facts.pausedUntil !== null) return facts.pausedUntil;
  if (facts.cooldownUntil !== null) return Number.isFinite(facts.cooldownUntil) ? facts.cooldownUntil : null;
  return 'renew';
}
