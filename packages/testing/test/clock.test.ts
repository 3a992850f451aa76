import { describe, expect, it } from 'vitest';
import { createTestClock } from '../src/index.js';

describe('createTestClock()', () => {
  it('moves only when told, and fires its timers when moved past them, earliest first', () => {
    const clock = createTestClock(1_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b at 3 s'), 2_000);
    clock.setTimeout(() => fired.push('a at 2 s'), 1_000);
    const cancelled = clock.setTimeout(() => fired.push('cancelled'), 1_500);
    clock.clearTimeout(cancelled);
    expect(clock.now()).toBe(1_000);
    clock.advance(0.5);
    expect(fired).toEqual([]);
    clock.advance(5);
    expect(fired).toEqual(['a at 2 s', 'b at 3 s']);
    expect(clock.now()).toBe(6_500);
  });

  it('counts a timer scheduled by a firing timer from the new time; set() jumps like advance()', () => {
    const clock = createTestClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 0);
      clock.setTimeout(() => fired.push(clock.now()), 10);
    }, 10);
    clock.set(100);
    expect(fired).toEqual([100, 100]);
    clock.advance(0.01);
    expect(fired).toEqual([100, 100, 110]);
  });
});
