import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordTtlMs } from '../src/record-ttl.js';
import { sampleRecord } from './support/fixtures.js';

const DAY = 24 * 60 * 60 * 1000;

describe('recordTtlMs', () => {
  it("is the refresh token's remaining life, whatever the clock of the instance that got it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 45 }), fc.integer({ min: 1000, max: 14 * DAY }), (obtainedAt, life) => {
        expect(recordTtlMs(sampleRecord(obtainedAt, { refreshTokenExpiresAt: obtainedAt + life }))).toBe(life);
      }),
    );
  });

  it('falls back to the access token without a refresh token, to 14 days when the refresh life is unknown', () => {
    const at = 1_700_000_000_000;
    expect(recordTtlMs(sampleRecord(at, { refreshToken: null, refreshTokenExpiresAt: null }))).toBe(1800_000);
    expect(recordTtlMs(sampleRecord(at, { refreshTokenExpiresAt: null }))).toBe(14 * DAY);
  });

  it('never asks Redis for a zero or negative expiry, nor beyond a session', () => {
    const at = 1_700_000_000_000;
    expect(recordTtlMs(sampleRecord(at, { refreshTokenExpiresAt: at - 5000 }))).toBe(1000);
    expect(recordTtlMs(sampleRecord(at, { refreshTokenExpiresAt: at + 30 * DAY }))).toBe(14 * DAY);
  });
});
