import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decide, nextActionAt, renewalGrant, tokenTimeline, type PolicySettings } from '../src/policy.js';
import type { TokenRecord } from '../src/store.js';

const MINUTE = 60_000;

/** Records as the lifetimes module builds them: expiries after receipt, a refresh token or not. */
const recordArb: fc.Arbitrary<TokenRecord> = fc
  .record({
    obtainedAt: fc.integer({ min: 1_600_000_000_000, max: 1_700_000_000_000 }),
    lifetimeMs: fc.integer({ min: 1_000, max: 24 * 60 * MINUTE }),
    hasRefreshToken: fc.boolean(),
    refreshLifetimeMs: fc.option(fc.integer({ min: 0, max: 15 * 24 * 60 * MINUTE }), { nil: null }),
    sessionAgeMs: fc.integer({ min: 0, max: 14 * 24 * 60 * MINUTE }),
  })
  .map(({ obtainedAt, lifetimeMs, hasRefreshToken, refreshLifetimeMs, sessionAgeMs }) => ({
    accessToken: 'access',
    accessTokenExpiresAt: obtainedAt + lifetimeMs,
    refreshToken: hasRefreshToken ? 'refresh' : null,
    refreshTokenExpiresAt: hasRefreshToken && refreshLifetimeMs !== null ? obtainedAt + refreshLifetimeMs : null,
    obtainedAt,
    sessionStartedAt: obtainedAt - sessionAgeMs,
  }));

const settingsArb: fc.Arbitrary<PolicySettings> = fc.record({
  refreshWindowMs: fc.option(fc.integer({ min: 0, max: 60 * MINUTE }), { nil: undefined }),
  expiryMarginMs: fc.integer({ min: 0, max: 5 * MINUTE }),
});

/** `now` anywhere from well before receipt (clock went back) to long after every expiry. */
const scenarioArb = fc
  .tuple(recordArb, settingsArb, fc.integer({ min: -MINUTE, max: 20 * 24 * 60 * MINUTE }))
  .map(([record, settings, offset]) => ({ record, settings, now: record.obtainedAt + offset }));

/** Realistic Apiax tokens: lifetimes at least 4 margins long, where the configured margin applies unscaled. */
const apiaxScenarioArb = scenarioArb.filter(
  ({ record, settings }) => record.accessTokenExpiresAt - record.obtainedAt >= 4 * settings.expiryMarginMs,
);

const servesCurrentToken = (type: string, background?: boolean) =>
  type === 'use' || type === 'use-and-refresh' || (type === 'password' && background === true);

describe('policy', () => {
  it('with no record, logs in and makes the caller wait', () => {
    fc.assert(
      fc.property(settingsArb, fc.integer(), (settings, now) => {
        expect(decide(null, now, settings)).toEqual({ type: 'password', background: false });
      }),
    );
  });

  it('never serves a token after its expiry, nor inside the configured margin', () => {
    fc.assert(
      fc.property(apiaxScenarioArb, ({ record, settings, now }) => {
        const action = decide(record, now, settings);
        if (servesCurrentToken(action.type, 'background' in action ? action.background : undefined)) {
          expect(now).toBeLessThan(record.accessTokenExpiresAt - settings.expiryMarginMs);
        }
      }),
    );
  });

  it('never serves a token after its expiry, whatever its lifetime (the margin scales down, never below zero)', () => {
    fc.assert(
      fc.property(scenarioArb, ({ record, settings, now }) => {
        const action = decide(record, now, settings);
        const timeline = tokenTimeline(record, settings);
        expect(timeline.marginMs).toBeGreaterThanOrEqual(0);
        if (servesCurrentToken(action.type, 'background' in action ? action.background : undefined)) {
          expect(now).toBeLessThan(record.accessTokenExpiresAt);
          expect(now).toBeLessThan(timeline.usableUntil);
        }
      }),
    );
  });

  it('makes callers wait only when the token cannot serve', () => {
    fc.assert(
      fc.property(scenarioArb, ({ record, settings, now }) => {
        const action = decide(record, now, settings);
        const usable = now < tokenTimeline(record, settings).usableUntil;
        const waits = action.type === 'wait-for-refresh' || (action.type === 'password' && !action.background);
        expect(waits).toBe(!usable);
      }),
    );
  });

  it('never plans a refresh with a missing or dead refresh token', () => {
    fc.assert(
      fc.property(scenarioArb, ({ record, settings, now }) => {
        const action = decide(record, now, settings);
        if (action.type === 'use-and-refresh' || action.type === 'wait-for-refresh') {
          expect(record.refreshToken).not.toBeNull();
          if (record.refreshTokenExpiresAt !== null) {
            expect(now).toBeLessThan(record.refreshTokenExpiresAt - settings.expiryMarginMs);
            expect(now).toBeLessThan(record.refreshTokenExpiresAt);
          }
        }
      }),
    );
  });

  it('starts background renewals only strictly before expiry, and only once the refresh window is reached', () => {
    fc.assert(
      fc.property(scenarioArb, ({ record, settings, now }) => {
        const action = decide(record, now, settings);
        const timeline = tokenTimeline(record, settings);
        if (action.type === 'use-and-refresh' || (action.type === 'password' && action.background)) {
          expect(now).toBeLessThan(record.accessTokenExpiresAt);
          expect(now).toBeGreaterThanOrEqual(timeline.refreshDueAt);
        }
        if (action.type === 'use') expect(now).toBeLessThan(timeline.refreshDueAt);
      }),
    );
  });

  it('uses the default window max(60 s, L/6), capped at half the lifetime, and a configured one as given', () => {
    fc.assert(
      fc.property(recordArb, fc.integer({ min: 0, max: 10_000 }), (record, expiryMarginMs) => {
        const lifetime = record.accessTokenExpiresAt - record.obtainedAt;
        fc.pre(lifetime >= 4 * expiryMarginMs);
        const byDefault = tokenTimeline(record, { refreshWindowMs: undefined, expiryMarginMs });
        const expected = Math.max(expiryMarginMs, Math.min(Math.max(60_000, lifetime / 6), lifetime / 2));
        expect(byDefault.windowMs).toBe(expected);
        expect(byDefault.marginMs).toBe(expiryMarginMs);
      }),
    );
    const thirtyMinutes: TokenRecord = {
      accessToken: 'a',
      accessTokenExpiresAt: 30 * MINUTE,
      refreshToken: 'r',
      refreshTokenExpiresAt: null,
      obtainedAt: 0,
      sessionStartedAt: 0,
    };
    expect(tokenTimeline(thirtyMinutes, { refreshWindowMs: undefined, expiryMarginMs: 10_000 }).windowMs).toBe(5 * MINUTE);
    expect(tokenTimeline(thirtyMinutes, { refreshWindowMs: 2 * MINUTE, expiryMarginMs: 10_000 }).windowMs).toBe(2 * MINUTE);
  });

  it('gives every margin its sign: the refresh comes before the token stops serving, which comes before expiry', () => {
    fc.assert(
      fc.property(recordArb, settingsArb, (record, settings) => {
        const timeline = tokenTimeline(record, settings);
        expect(timeline.marginMs).toBeGreaterThanOrEqual(0);
        expect(timeline.windowMs).toBeGreaterThanOrEqual(timeline.marginMs);
        expect(timeline.refreshDueAt).toBeLessThanOrEqual(timeline.usableUntil);
        expect(timeline.usableUntil).toBeLessThanOrEqual(record.accessTokenExpiresAt);
        expect(nextActionAt(record, settings)).toBeLessThanOrEqual(timeline.usableUntil);
      }),
    );
  });

  it('never makes a token due the moment it arrives (no refresh loop), whatever the settings', () => {
    fc.assert(
      fc.property(recordArb, settingsArb, (record, settings) => {
        const timeline = tokenTimeline(record, settings);
        expect(timeline.refreshDueAt).toBeGreaterThan(record.obtainedAt);
        expect(timeline.usableUntil).toBeGreaterThan(record.obtainedAt);
        expect(decide(record, record.obtainedAt, settings)).toEqual({ type: 'use' });
      }),
    );
  });

  it('re-logs in (never refreshes) once the session cannot carry a full-length token', () => {
    fc.assert(
      fc.property(scenarioArb, ({ record, settings, now }) => {
        const grant = renewalGrant(record, now, settings);
        const lifetime = record.accessTokenExpiresAt - record.obtainedAt;
        if (record.refreshToken !== null && record.refreshTokenExpiresAt !== null && record.refreshTokenExpiresAt - now < lifetime) {
          expect(grant).toBe('password');
        }
        if (record.refreshToken !== null && record.refreshTokenExpiresAt === null) expect(grant).toBe('refresh');
        if (record.refreshToken === null) expect(grant).toBe('password');
      }),
    );
  });

  it('is monotonic: once a token stops being "use", it never becomes "use" again as time passes', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 0, max: 24 * 60 * MINUTE }), ({ record, settings, now }, later) => {
        if (decide(record, now, settings).type !== 'use') expect(decide(record, now + later, settings).type).not.toBe('use');
      }),
    );
  });

  it('wakes background timers exactly when "use" ends', () => {
    fc.assert(
      fc.property(recordArb, settingsArb, (record, settings) => {
        const wakeAt = nextActionAt(record, settings);
        expect(decide(record, wakeAt, settings).type).not.toBe('use');
        if (wakeAt - 1 >= record.obtainedAt) expect(decide(record, wakeAt - 1, settings).type).toBe('use');
      }),
    );
  });
});
