import type { TokenRecord } from '@apiax-auth/core';

/** Keycloak's SSO Session Max: no session outlives it, so no record needs to either. */
const SESSION_MAX_MS = 14 * 24 * 60 * 60 * 1000;
const MIN_TTL_MS = 1000;

/**
 * How long Redis keeps a record: the refresh token's remaining life (a dead session is worth nothing to the
 * fleet), or the access token's when there is no refresh token.
 *
 * Measured from `obtainedAt`, not from this machine's clock: both times come from the clock of the instance
 * that received the grant, so the difference is right whatever that clock says (and records are written right
 * after their grant). When the server gave no refresh lifetime, the record lives as long as a session can.
 */
export function recordTtlMs(record: TokenRecord): number {
  const expiresAt =
    record.refreshToken === null
      ? record.accessTokenExpiresAt
      : (record.refreshTokenExpiresAt ?? record.obtainedAt + SESSION_MAX_MS);
  const remaining = Math.min(expiresAt - record.obtainedAt, SESSION_MAX_MS);
  return Math.max(Math.round(remaining), MIN_TTL_MS);
}
