import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay, loginCooldownDelay, MAX_LOGIN_REJECTIONS, parseRetryAfter } from '../src/backoff.js';

const settingsArb = fc
  .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 120_000 }))
  .map(([baseDelayMs, extra]) => ({ baseDelayMs, maxDelayMs: baseDelayMs + extra }));
const randomArb = fc.double({ min: 0, max: 1, noNaN: true });

describe('backoffDelay', () => {
  it('stays within [ceiling/2, ceiling] with ceiling = min(max, base·2^(attempt−1))', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000 }), settingsArb, randomArb, (attempt, settings, random) => {
        const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.min(64, attempt - 1));
        const delay = backoffDelay(attempt, settings, () => random);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(delay).toBeLessThanOrEqual(Math.ceil(ceiling));
        expect(Number.isFinite(delay)).toBe(true);
      }),
    );
  });

  it('grows with the attempt for the same jitter, until the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), settingsArb, randomArb, (attempt, settings, random) => {
        expect(backoffDelay(attempt + 1, settings, () => random)).toBeGreaterThanOrEqual(backoffDelay(attempt, settings, () => random));
      }),
    );
  });

  it('jitters: different random draws give different delays once the ceiling is large enough', () => {
    const settings = { baseDelayMs: 1_000, maxDelayMs: 30_000 };
    expect(backoffDelay(3, settings, () => 0)).toBe(2_000);
    expect(backoffDelay(3, settings, () => 1)).toBe(4_000);
    expect(backoffDelay(20, settings, () => 1)).toBe(30_000);
  });

  it('honours a Retry-After, but never beyond the maximum delay', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        settingsArb,
        randomArb,
        fc.integer({ min: 1, max: 1_000_000 }),
        (attempt, settings, random, retryAfterMs) => {
          const delay = backoffDelay(attempt, settings, () => random, retryAfterMs);
          expect(delay).toBeGreaterThanOrEqual(Math.min(retryAfterMs, settings.maxDelayMs));
          expect(delay).toBeLessThanOrEqual(settings.maxDelayMs);
        },
      ),
    );
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    const now = Date.UTC(2025, 0, 1, 0, 0, 0);
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(parseRetryAfter(new Date(now - 30_000).toUTCString(), now)).toBe(0);
  });
});

describe('loginCooldownDelay', () => {
  it('waits the configured cooldown, then twice that, then gives up for good at the third rejection', () => {
    const fiveMinutes = 5 * 60_000;
    expect([1, 2].map((rejections) => loginCooldownDelay(rejections, fiveMinutes) / 60_000)).toEqual([5, 10]);
    expect(MAX_LOGIN_REJECTIONS).toBe(3);
    expect(loginCooldownDelay(3, fiveMinutes)).toBe(Number.POSITIVE_INFINITY);
    expect(loginCooldownDelay(10_000, fiveMinutes)).toBe(Number.POSITIVE_INFINITY);
  });

  it('never shrinks as rejections add up and never goes below the configured cooldown', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 0, max: 48 * 3_600_000 }), (rejections, cooldownMs) => {
        const delay = loginCooldownDelay(rejections, cooldownMs);
        expect(delay).toBeGreaterThanOrEqual(cooldownMs);
        expect(Number.isFinite(delay)).toBe(rejections < MAX_LOGIN_REJECTIONS);
        expect(loginCooldownDelay(rejections + 1, cooldownMs)).toBeGreaterThanOrEqual(delay);
      }),
    );
  });
});
