import type { LoginRejectionRecord, StoredRecord, TokenRecord } from '@apiax-auth/core';

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
 * A login rejection lives until its cooldown ends (as long as a session can when the fleet gave up for good).
 */
export function recordTtlMs(record: StoredRecord): number {
  if (isLoginRejection(record)) return clampTtl((record.retryAt ?? record.obtainedAt + SESSION_MAX_MS) - record.obtainedAt);
  return clampTtl(tokenExpiresAt(record) - record.obtainedAt);
}

function isLoginRejection(record: StoredRecord): record is LoginRejectionRecord {
  return (record as { kind?: unknown }).kind === 'login-rejection';
}

function tokenExpiresAt(record: TokenRecord): number {
  if (record.refreshToken === null) return record.accessTokenExpiresAt;
  return record.refreshTokenExpiresAt ?? record.obtainedAt + SESSION_MAX_MS;
}

function clampTtl(remainingMs: number): number {
  return Math.max(Math.round(Math.min(remainingMs, SESSION_MAX_MS)), MIN_TTL_MS);
}
