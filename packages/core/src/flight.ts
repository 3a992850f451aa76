import type { ApiaxAuthEvents, ApiaxTokenEvent, TypedEmitter } from './events.js';
import { attemptGrant, type AttemptContext } from './grant-attempt.js';
import type { SafeLogger } from './logging.js';
import type { LocalRecord } from './local-record.js';
import type { LoginCooldown } from './login-cooldown.js';
import type { GuardedStore } from './store-guard.js';
import { retryGrant, retrySchedule, type RetryerCallbacks, type RetrySettings } from './retryer.js';
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
  commit(record: TokenRecord, grant: ApiaxTokenEvent['grant'], reason: TokenReason): Promise<void>;
  /** Aborts retry waits on close. */
  closing: AbortSignal;
  /** The session's own record and the policy's answers about it. */
  local: LocalRecord;
  /** The shared store: a flight reads what another instance renewed. */
  store: GuardedStore;
}

/** One flight, under the store's lock: adopt what another instance renewed, or run the grant with retries. */
export async function runFlight(host: FlightHost, request: FlightRequest): Promise<TokenRecord> {
  return (await adoptFromStore(host, request)) ?? retryGrant(flightCallbacks(host, request));
}

/**
 * Adopts the store's record when it is newer than ours. Returns it when it serves `request` (the policy
 * says `use`; for a forced renewal, it carries another token), else `null`: a grant follows.
 */
async function adoptFromStore(host: FlightHost, request: FlightRequest): Promise<TokenRecord | null> {
  host.assertOpen();
  const stored = await host.store.readToken();
  const use = stored === null ? 'ignore' : host.local.useOfStored(stored, request.replacing);
  if (use === 'ignore') return null;
  if (use === 'serve') {
    await host.commit(stored!, 'store', request.reason);
    return stored;
  }
  // Too old to serve, yet newer than ours: the grant must start from it. Another instance may have
  // rotated the refresh token ours came from, and refreshing with that one ends the shared session.
  host.local.adopt(stored!, { signedIn: false });
  return null;
}

/**
 * The callbacks that drive the retryer for one flight: each attempt through `attemptGrant`, retries on the
 * options' schedule, the explicit step from a refused refresh to a password grant, and the cooldown after
 * logins the server accepted with an unusable answer.
 */
function flightCallbacks(host: FlightHost, request: FlightRequest): RetryerCallbacks {
  let reason = request.reason;
  const context: AttemptContext = {
    ...host,
    commit: (record, grant) => host.commit(record, grant, grant === 'refresh' ? reason : host.local.signedInBefore ? 'relogin' : 'initial'),
    reason: () => reason,
    background: request.background,
  };
  return {
    ...retrySchedule(host.options, { ...host, signal: host.closing }),
    nextGrant: () => host.local.nextGrant(),
    attempt: (grant) => attemptGrant(context, grant),
    unusableLoginRetries: host.cooldown.rejections() > 0 ? 0 : 1,
    giveUpOnUnusableLogins: (error) => host.cooldown.rejected(error),
    switchToPassword: (failure) => {
      // Expired, ended or rotated session: log in again within the same flight; callers see success.
      host.log.info('refresh rejected; logging in again', { oauthError: failure.error.oauthError, status: failure.error.status });
      host.local.dropRefreshToken();
      reason = 'relogin';
    },
    assertOpen: () => host.assertOpen(),
  };
}
