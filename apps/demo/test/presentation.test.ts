import { describe, expect, it } from 'vitest';
import { formatClock } from '../app/dashboard/format.js';
import { createDemoClock } from '../src/shared/demo-clock.js';
import { formatDuration } from '../src/shared/format-duration.js';
import { summarizeEvaluation } from '../src/shared/rules-query.js';

describe('summarizeEvaluation', () => {
  it('counts and names the actions at $.results[*].results[*].actions', () => {
    const body = {
      results: [
        { results: [{ path: 'a', actions: [{ name: 'REQUIRE_DISCLOSURE' }, { type: 'BLOCK' }] }] },
        { results: [{ actions: ['NOTIFY'] }, { actions: [] }] },
      ],
    };
    expect(summarizeEvaluation(body)).toBe('3 actions: REQUIRE_DISCLOSURE, BLOCK, NOTIFY');
    expect(summarizeEvaluation({ results: [{ results: [{ actions: [] }] }] })).toBe('no action required');
    expect(summarizeEvaluation({ unexpected: true })).toBe('answer without results');
    expect(summarizeEvaluation(null)).toBe('answer without results');
  });
});

describe('durations for people', () => {
  it('reads as a person would say it', () => {
    expect(formatDuration(59_400)).toBe('59s');
    expect(formatDuration(75_000)).toBe('1m 15s');
    expect(formatDuration(3_600_000)).toBe('1h 0m');
    expect(formatDuration(14 * 24 * 3_600_000)).toBe('14d 0h');
    expect(formatDuration(-5)).toBe('0s');
    expect(formatClock(83_400)).toBe('1:24');
    expect(formatClock(3_723_000)).toBe('1:02:03');
    expect(formatClock(-1)).toBe('0:00');
  });
});

describe('createDemoClock', () => {
  it('runs with the wall clock, ahead by every advance, and refuses to go back', () => {
    let wall = 1_000_000;
    const clock = createDemoClock(() => wall);
    expect(clock.now()).toBe(1_000_000);
    clock.advance(60);
    wall += 5;
    expect(clock.now()).toBe(1_060_005);
    expect(clock.offsetMs).toBe(60_000);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
  });
});
