/** Retry delays for transient token-endpoint failures: pure, so they can be property-tested. */
export interface BackoffSettings {
  /** Ceiling of the first retry's delay. */
  baseDelayMs: number;
  /** No delay ever exceeds this. */
  maxDelayMs: number;
}

/**
 * Delay before retry number `attempt` (1 = first retry): exponential ceiling `base · 2^(attempt−1)`,
 * capped at `maxDelayMs`, with "equal jitter" (half fixed, half random) so a fleet that failed
 * together does not retry together, while no retry comes sooner than half the ceiling.
 *
 * A `Retry-After` from a proxy raises the delay (never above `maxDelayMs`): Keycloak sends none.
 */
export function backoffDelay(
  attempt: number,
  settings: BackoffSettings,
  random: () => number = Math.random,
  retryAfterMs?: number,
): number {
  // Capped exponent: 2^1024 is Infinity, and 0 · Infinity is NaN.
  const exponent = Math.min(64, Math.max(0, Math.floor(attempt) - 1));
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** exponent);
  const jitter = Math.min(1, Math.max(0, random()));
  const delay = ceiling / 2 + (ceiling / 2) * jitter;
  const floor = retryAfterMs !== undefined && retryAfterMs > 0 ? Math.min(retryAfterMs, settings.maxDelayMs) : 0;
  return Math.round(Math.max(delay, floor));
}

/**
 * Parses a `Retry-After` header (delta-seconds or an HTTP date) into ms from `now`;
 * `undefined` when absent or unreadable.
 */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Rejected logins after which a client stops sending its password for good. Its password cannot change
 * while it runs, so a further try can only add to Keycloak's brute-force count; three stays below any
 * sensible lockout threshold (Keycloak's default is 30, the fake's 5).
 */
export const MAX_LOGIN_REJECTIONS = 3;

/**
 * How long calls fail fast after the `rejections`-th rejected login in a row: `cooldownMs`, doubled after
 * the second, and forever from the {@link MAX_LOGIN_REJECTIONS}-th on. The cooldown lets a temporary
 * refusal (an account an admin re-enables, a lockout that expires) heal by itself, without ever locking
 * the account.
 */
export function loginCooldownDelay(rejections: number, cooldownMs: number): number {
  if (rejections >= MAX_LOGIN_REJECTIONS) return Number.POSITIVE_INFINITY;
  return cooldownMs * 2 ** Math.max(0, Math.floor(rejections) - 1);
}
