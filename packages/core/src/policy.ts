import type { TokenRecord } from './store.js';

/**
 * The expiry policy: a pure function of the token record, the clock and the settings. The session
 * asks it before every use of a token; background timers ask it too.
 *
 * Timeline of one access token (lifetime `L` = expiry − receipt):
 *
 * ```
 * obtainedAt ────────── refreshDueAt ─────── usableUntil ── accessTokenExpiresAt
 *      use                  use + refresh in       wait for a grant
 *                           the background
 * ```
 * - `usableUntil` = expiry − margin, margin = `expiryMarginMs` (default 10 s), at most L/4;
 * - `refreshDueAt` = expiry − window, window = `refreshWindowMs` or by default max(60 s, L/6)
 *   (5 min for Apiax's 30-min tokens), at most L/2.
 *
 * The caps only bite for unusually short tokens: they keep a fresh token usable, and keep a refresh
 * from being due the moment a token arrives (which would loop).
 */
export interface PolicySettings {
  /** `undefined`: the default window, max(60 s, L/6). */
  refreshWindowMs: number | undefined;
  expiryMarginMs: number;
}

/** What to do with the current record. */
export type PolicyAction =
  /** The token is good and not due: use it. */
  | { type: 'use' }
  /** The token still serves; refresh it in the background, ahead of expiry. */
  | { type: 'use-and-refresh' }
  /** The token is expired or inside the safety margin; the refresh token works: wait for a refresh. */
  | { type: 'wait-for-refresh' }
  /**
   * No record, or the refresh token is missing, dead or about to die: a password grant (log in again).
   * `background`: the current access token still serves meanwhile (proactive re-login).
   */
  | { type: 'password'; background: boolean };

/** The instants that shape one token's life; all epoch ms. */
export interface TokenTimeline {
  lifetimeMs: number;
  marginMs: number;
  windowMs: number;
  /** From here on the token is never sent. */
  usableUntil: number;
  /** From here on a grant is started in the background. */
  refreshDueAt: number;
}

export const MIN_DEFAULT_REFRESH_WINDOW_MS = 60_000;

export function tokenTimeline(record: TokenRecord, settings: PolicySettings): TokenTimeline {
  const lifetimeMs = Math.max(0, record.accessTokenExpiresAt - record.obtainedAt);
  const marginMs = Math.min(settings.expiryMarginMs, lifetimeMs / 4);
  const requestedWindowMs = settings.refreshWindowMs ?? Math.max(MIN_DEFAULT_REFRESH_WINDOW_MS, lifetimeMs / 6);
  const windowMs = Math.max(marginMs, Math.min(requestedWindowMs, lifetimeMs / 2));
  return {
    lifetimeMs,
    marginMs,
    windowMs,
    usableUntil: record.accessTokenExpiresAt - marginMs,
    refreshDueAt: record.accessTokenExpiresAt - windowMs,
  };
}

/** Whether the access token may be sent now (unexpired, outside the margin). */
export function isUsable(record: TokenRecord, now: number, settings: PolicySettings): boolean {
  return now < tokenTimeline(record, settings).usableUntil;
}

/**
 * Which grant renews this record now: `refresh` while the refresh token is alive and a refresh
 * would still yield a full-length token; else `login`.
 *
 * Keycloak counts the refresh token down from the login (SSO Session Max) and caps each new access
 * token at the session's end, so once less than one token lifetime remains, refreshing would only
 * buy ever-shorter tokens: a login now starts a fresh 14-day session instead, while the current
 * token still serves.
 */
export function renewalGrant(record: TokenRecord, now: number, settings: PolicySettings): 'refresh' | 'password' {
  if (record.refreshToken === null) return 'password';
  const refreshTokenExpiresAt = record.refreshTokenExpiresAt;
  if (refreshTokenExpiresAt === null) return 'refresh';
  if (now >= refreshTokenExpiresAt - settings.expiryMarginMs) return 'password';
  const { lifetimeMs } = tokenTimeline(record, settings);
  return refreshTokenExpiresAt - now < lifetimeMs ? 'password' : 'refresh';
}

export function decide(record: TokenRecord | null, now: number, settings: PolicySettings): PolicyAction {
  if (record === null) return { type: 'password', background: false };
  const timeline = tokenTimeline(record, settings);
  const usable = now < timeline.usableUntil;
  if (usable && now < timeline.refreshDueAt) return { type: 'use' };
  const grant = renewalGrant(record, now, settings);
  if (usable) return grant === 'refresh' ? { type: 'use-and-refresh' } : { type: 'password', background: true };
  return grant === 'refresh' ? { type: 'wait-for-refresh' } : { type: 'password', background: false };
}

/** When the policy stops answering `use` for this record: when a background timer should wake. */
export function nextActionAt(record: TokenRecord, settings: PolicySettings): number {
  const timeline = tokenTimeline(record, settings);
  return Math.min(timeline.refreshDueAt, timeline.usableUntil);
}

/**
 * What a record read from a shared store is to a renewal: `serve` (newer than ours, and the policy says
 * `use`; for a forced renewal, it carries another token than the one `replacing`), `start-from` (newer, but
 * due itself: the grant must start from its refresh token, as another instance may have rotated ours), or
 * `ignore` (not newer than ours).
 */
export function storedRecordUse(
  stored: TokenRecord,
  current: TokenRecord | null,
  replacing: string | undefined,
  now: number,
  settings: PolicySettings,
): 'serve' | 'start-from' | 'ignore' {
  if (current !== null && (stored.obtainedAt <= current.obtainedAt || stored.accessToken === current.accessToken)) return 'ignore';
  return stored.accessToken !== replacing && decide(stored, now, settings).type === 'use' ? 'serve' : 'start-from';
}
