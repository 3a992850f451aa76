import { decodeJwt } from 'jose';
import { ApiaxAuthError } from './errors.js';
import type { TokenRecord } from './store.js';

/**
 * How far the local clock and the token server's may disagree (ms) when a JWT's own `exp` is all
 * there is: a token whose `exp` lies further than this in the past is refused (`invalid_response`),
 * and none is used past `exp` + this, whatever its `iat` says. Documented in the README.
 */
export const JWT_CLOCK_SKEW_ALLOWANCE_MS = 60_000;

/** Values at or above this are epoch milliseconds; below, epoch seconds (1e11 s is the year 5138, 1e11 ms is 1973). */
const EPOCH_MILLISECONDS_THRESHOLD = 1e11;

export interface TokenResponseContext {
  /**
   * When the request was sent, by the local clock: the anchor of every relative lifetime, and the
   * record's `obtainedAt`. The server issued the token after this instant, so anchoring here never
   * overestimates a lifetime (anchoring on receipt would, by the request's duration).
   */
  requestedAt: number;
  /**
   * The record a refresh grant replaced (absent for a password login): its session start carries
   * over, and so does its refresh token when the server did not send a new one (RFC 6749 §6).
   */
  previous?: TokenRecord | null;
}

/**
 * Turns a token-endpoint response into a record with absolute expiries (epoch ms, local clock).
 *
 * Access token expiry, first match wins: `expires_in` (seconds from the request); `expires_at`
 * (epoch seconds or ms, told apart by magnitude); the access token's JWT `exp` (as a duration
 * `exp - iat` from the request when `iat` is present, so a server clock ahead does not stretch it,
 * but never past `exp` + {@link JWT_CLOCK_SKEW_ALLOWANCE_MS}: a stale token issued long ago is not
 * given a fresh lifetime). `refresh_expires_in` is taken as it comes (Keycloak counts it down from the login;
 * `0` = unknown). The local clock anchors everything, never the token's `iat`.
 *
 * @throws ApiaxAuthError `invalid_response` (retryable) when the response is not a usable bearer
 * token response. (A token that arrives already expired is still a valid record: the session
 * keeps its refresh token and asks again.)
 */
export function toTokenRecord(response: unknown, context: TokenResponseContext): TokenRecord {
  if (response === null || typeof response !== 'object' || Array.isArray(response)) {
    throw malformed('the body is not a JSON object');
  }
  const body = response as Record<string, unknown>;
  const { requestedAt, previous } = context;

  const accessToken = body['access_token'];
  if (typeof accessToken !== 'string' || accessToken === '') throw malformed('access_token is missing');
  const tokenType = body['token_type'];
  if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') {
    throw malformed('token_type is not "bearer"');
  }

  const accessTokenExpiresAt = accessTokenExpiry(body, accessToken, requestedAt);
  const refreshToken = optionalToken(body['refresh_token'], 'refresh_token');
  const refreshExpiresIn = optionalSeconds(body['refresh_expires_in'], 'refresh_expires_in');

  let refreshTokenExpiresAt: number | null;
  if (refreshExpiresIn !== undefined) {
    refreshTokenExpiresAt =
      refreshExpiresIn === 0
        ? null
        : checkedExpiry(requestedAt + Math.round(refreshExpiresIn * 1000), requestedAt - 1, 'refresh_expires_in');
  } else if (refreshToken === undefined && previous) {
    refreshTokenExpiresAt = previous.refreshTokenExpiresAt;
  } else {
    refreshTokenExpiresAt = null;
  }

  const record: TokenRecord = {
    accessToken,
    accessTokenExpiresAt,
    refreshToken: refreshToken ?? previous?.refreshToken ?? null,
    refreshTokenExpiresAt,
    obtainedAt: requestedAt,
    sessionStartedAt: previous?.sessionStartedAt ?? requestedAt,
  };
  if (typeof body['scope'] === 'string') record.scope = body['scope'];
  return record;
}

function accessTokenExpiry(body: Record<string, unknown>, accessToken: string, requestedAt: number): number {
  const expiresIn = optionalSeconds(body['expires_in'], 'expires_in');
  if (expiresIn !== undefined) {
    return checkedExpiry(requestedAt + Math.round(expiresIn * 1000), requestedAt, 'expires_in');
  }
  const expiresAt = optionalSeconds(body['expires_at'], 'expires_at');
  if (expiresAt !== undefined) {
    return checkedExpiry(Math.round(expiresAt >= EPOCH_MILLISECONDS_THRESHOLD ? expiresAt : expiresAt * 1000), requestedAt, 'expires_at');
  }
  return expiryFromJwt(accessToken, requestedAt);
}

function expiryFromJwt(accessToken: string, requestedAt: number): number {
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(accessToken);
  } catch {
    throw malformed('no expires_in or expires_at, and the access token is not a JWT with exp');
  }
  const { exp, iat } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw malformed('no expires_in or expires_at, and the access token has no exp claim');
  }
  const absolute = Math.round(exp * 1000);
  if (typeof iat !== 'number' || !Number.isFinite(iat) || exp <= iat)
    return checkedExpiry(absolute, requestedAt, 'the access token exp claim');
  // Its own exp says it died before it reached us (a cached or replayed answer): no lifetime makes it usable.
  if (absolute + JWT_CLOCK_SKEW_ALLOWANCE_MS <= requestedAt)
    throw malformed('the access token expired before it arrived (its exp claim is past)');
  const fromDuration = requestedAt + Math.round((exp - iat) * 1000);
  return checkedExpiry(Math.min(fromDuration, absolute + JWT_CLOCK_SKEW_ALLOWANCE_MS), requestedAt, 'the access token exp claim');
}

/** An expiry must lie after `after` and be a plain integer of epoch ms (no Infinity from absurd values). */
function checkedExpiry(expiresAt: number, after: number, field: string): number {
  if (!Number.isSafeInteger(expiresAt)) throw malformed(`${field} is out of range`);
  if (expiresAt <= after) throw malformed(`${field} is not in the future`);
  return expiresAt;
}

/** A non-negative number, or a numeric string (some gateways stringify numbers); `undefined` when absent. */
function optionalSeconds(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) throw malformed(`${field} is not a non-negative number`);
  return number;
}

function optionalToken(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw malformed(`${field} is not a non-empty string`);
  return value;
}

/** Field names only: a malformed body may still hold a token, so none of its values go in the message. */
function malformed(problem: string): ApiaxAuthError {
  return new ApiaxAuthError('invalid_response', `The token endpoint sent an unusable token response: ${problem}`, { retryable: true });
}
