import type { ApiaxAuthEvents, ApiaxGrantType, ApiaxTokenEvent, TypedEmitter } from './events.js';
import { attemptGrant, type AttemptContext } from './grant-attempt.js';
import type { SafeLogger } from './logging.js';
import type { LoginCooldown } from './login-cooldown.js';
import { retrySchedule, type RetryerCallbacks, type RetrySettings } from './retryer.js';
import type { TokenRecord } from './store.js';

/** Why a token was obtained: the first login, a re-login, a refresh ahead of expiry, a 401... */
export type TokenReason = ApiaxTokenEvent['reason'];

/** Why a grant flight runs, and what result would satisfy it. */
export interface FlightRequest {
  reason: TokenReason;
  /** Forced renewals (and 401s): a record still carrying this access token does not count as renewed. */
  replacing: string | undefined;
  /** No caller waits for it: failures only reach events and logs. */
  background: boolean;
}

/** What one flight needs from the session that runs it. */
export interface FlightHost extends Omit<AttemptContext, 'commit' | 'reason' | 'background'> {
  options: RetrySettings;
  cooldown: LoginCooldown;
  log: SafeLogger;
  events: TypedEmitter<ApiaxAuthEvents>;
  /** Makes `record` the session's record (and the store's), reporting why it came. */
  commit(record: TokenRecord, grant: ApiaxGrantType, reason: TokenReason): Promise<void>;
  /** Aborts retry waits on close. */
  closing: AbortSignal;
  /** Whether a session ever existed: tells a first login from a re-login. */
  signedInBefore(): boolean;
  nextGrant(): ApiaxGrantType;
  /** The refresh was refused: the record keeps its access token but no refresh token any more. */
  dropRefreshToken(): void;
}

/**
 * The callbacks that drive the retryer for one flight: each attempt through `attemptGrant`, retries on the
 * options' schedule, the explicit step from a refused refresh to a password grant, and the cooldown after
 * logins the server accepted with an unusable answer.
 */
export function flightCallbacks(host: FlightHost, request: FlightRequest): RetryerCallbacks {
  let reason = request.reason;
  const context: AttemptContext = {
    ...host,
    commit: (record, grant) => host.commit(record, grant, grant === 'refresh' ? reason : host.signedInBefore() ? 'relogin' : 'initial'),
    reason: () => reason,
    background: request.background,
  };
  return {
    ...retrySchedule(host.options, { ...host, signal: host.closing }),
    nextGrant: () => host.nextGrant(),
    attempt: (grant) => attemptGrant(context, grant),
    unusableLoginRetries: host.cooldown.rejections() > 0 ? 0 : 1,
    giveUpOnUnusableLogins: (error) => host.cooldown.rejected(error),
    switchToPassword: (failure) => {
      // Expired, ended or rotated session: log in again within the same flight; callers see success.
      host.log.info('refresh rejected; logging in again', { oauthError: failure.error.oauthError, status: failure.error.status });
      host.dropRefreshToken();
      reason = 'relogin';
    },
    assertOpen: () => host.assertOpen(),
  };
}
