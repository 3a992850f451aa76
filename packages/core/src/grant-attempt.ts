import { ApiaxAuthError, isLoginRejection } from './errors.js';
import type { ApiaxAuthEvents, ApiaxGrantType, TypedEmitter } from './events.js';
import type { Grants } from './grants.js';
import { toTokenRecord } from './lifetimes.js';
import type { SafeLogger } from './logging.js';
import type { LoginCooldown } from './login-cooldown.js';
import type { AttemptResult } from './retryer.js';
import type { Telemetry } from './telemetry.js';
import type { TokenRecord } from './store.js';

/** What one attempt needs from the session: its record, and how to count, commit and judge. */
export interface AttemptContext {
  grants: Grants;
  cooldown: LoginCooldown;
  log: SafeLogger;
  /** The session's current record: a refresh starts from its refresh token. */
  current(): TokenRecord | null;
  /** Counts a token request that was sent (`status().grants`). */
  sent(grant: ApiaxGrantType): void;
  /** Makes `record` the session's record (and the store's); emits `token`. */
  commit(record: TokenRecord, grant: ApiaxGrantType): Promise<void>;
  /** Whether the policy lets `record` serve now. */
  usable(record: TokenRecord): boolean;
  /** Throws `closed` once the client is closed. */
  assertOpen(): void;
  /** Aborts the request in flight when the client closes. */
  signal: AbortSignal;
  telemetry: Telemetry;
  /** Why the flight runs (a span attribute). */
  reason(): string;
  /** No caller waits: the request's span starts a trace of its own. */
  background: boolean;
}

/**
 * One token request and what becomes of its answer: a password grant checks the (fleet's) cooldown first
 * and feeds it its outcome; a successful answer becomes a record with absolute times and is committed; an
 * answer the server gave but that cannot be used is `unusable` (a login) or `transient` (a refresh).
 */
export async function attemptGrant(context: AttemptContext, grant: ApiaxGrantType): Promise<AttemptResult> {
  const { grants, cooldown } = context;
  if (grant === 'password') {
    const coolingDown = await cooldown.check();
    if (coolingDown !== null) return { ok: false, failure: { kind: 'rejected', error: coolingDown } };
  }
  context.log.debug('sending a token request', { grant });
  const previous = context.current();
  const outcome = await context.telemetry.request(grant, context.reason(), context.background, () =>
    grant === 'refresh' ? grants.refresh(previous!.refreshToken!, context.signal) : grants.password(context.signal),
  );
  context.sent(grant);
  if (!outcome.ok) {
    const { failure } = outcome;
    if (grant === 'password' && failure.kind === 'rejected' && isLoginRejection(failure.error)) await cooldown.rejected(failure.error);
    if (grant === 'password' && isUnusableAnswer(failure.error)) return { ok: false, failure: { kind: 'unusable', error: failure.error } };
    return outcome;
  }
  let record: TokenRecord;
  try {
    record = toTokenRecord(outcome.response, { requestedAt: outcome.requestedAt, previous: grant === 'refresh' ? previous : null });
  } catch (error) {
    if (!(error instanceof ApiaxAuthError)) throw error;
    return { ok: false, failure: { kind: grant === 'password' ? 'unusable' : 'transient', error } };
  }
  if (grant === 'password') await cooldown.succeeded();
  // Committed even if close() ran meanwhile (a logout must use the newest refresh token), and even if
  // it arrived too late to serve (its refresh token may be the only valid one now).
  await context.commit(record, grant);
  context.assertOpen();
  if (context.usable(record)) return { ok: true, record };
  const error = new ApiaxAuthError('invalid_response', 'The token arrived too close to its expiry to be used', { retryable: true });
  return { ok: false, failure: { kind: 'transient', error } };
}

/**
 * An answer the server gave (2xx, or a body no status explains) that is not a token response: for a password
 * grant, the server may well have opened a Keycloak session for it.
 */
function isUnusableAnswer(error: ApiaxAuthError): boolean {
  return error.code === 'invalid_response' && (error.status === undefined || (error.status >= 200 && error.status < 300));
}

/** Keycloak's logout on `close({ logout: true })`: never throws; a failure is logged and emitted as `error`. */
export async function endKeycloakSession(
  context: { grants: Grants; log: SafeLogger; events: TypedEmitter<ApiaxAuthEvents>; telemetry: Telemetry },
  refreshToken: string,
): Promise<void> {
  const outcome = await context.telemetry.request('logout', undefined, false, () => context.grants.logout(refreshToken));
  if (outcome.ok) {
    context.log.info('logged out', { sessionWasActive: outcome.sessionWasActive });
    return;
  }
  const { error } = outcome.failure;
  context.log.warn('logout failed', { code: error.code, status: error.status });
  context.events.emit('error', error);
}
