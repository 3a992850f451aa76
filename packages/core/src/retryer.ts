import { backoffDelay } from './backoff.js';
import { sleep, type ApiaxClock } from './clock.js';
import type { GrantFailure } from './error-mapping.js';
import type { ApiaxAuthError } from './errors.js';
import type { ApiaxAuthEvents, ApiaxGrantType, TypedEmitter } from './events.js';
import type { SafeLogger } from './logging.js';
import type { TokenRecord } from './store.js';

/**
 * Why an attempt failed: the grant's own failure, or `unusable`: the server accepted the grant but its answer
 * cannot be used (retried like a transient failure, unless the callbacks decide otherwise).
 */
export type AttemptFailure = GrantFailure | { kind: 'unusable'; error: ApiaxAuthError };

/** One attempt's result: the committed record, or why it failed. */
export type AttemptResult = { ok: true; record: TokenRecord } | { ok: false; failure: AttemptFailure };

/**
 * What the retryer is driven by (in the manner of TanStack Query's `retryer.ts`): it owns only the loop —
 * attempts, backoff waits, and the one switch from a refused refresh to a password grant — and calls back
 * for everything else.
 */
export interface RetryerCallbacks {
  /** Transient failures of one grant are retried this many times. */
  maxRetries: number;
  /** The grant the current record calls for (`refresh` while its refresh token is alive and worth it). */
  nextGrant(): ApiaxGrantType;
  /** Sends one grant of that type and commits its result. */
  attempt(grant: ApiaxGrantType): Promise<AttemptResult>;
  /**
   * How many password grants accepted with an unusable answer are retried in this flight (1, or 0 once such
   * answers already led to a cooldown): each one opened a Keycloak session nobody uses.
   */
  unusableLoginRetries: number;
  /** The retryer stops after one more unusable login answer: the callbacks cool down as after a rejection. */
  giveUpOnUnusableLogins(error: ApiaxAuthError): Promise<void>;
  /**
   * The explicit step from refresh to password: the refresh was refused (session expired, ended or rotated),
   * so the session drops its refresh token; from here on every attempt of this flight is a password grant.
   */
  switchToPassword(failure: AttemptFailure): void;
  /** The delay before retry number `attempt` (1 = the first retry). */
  delayMs(attempt: number, failure: AttemptFailure): number;
  /** A transient failure is about to be retried after `delayMs`. */
  onRetry(grant: ApiaxGrantType, attempt: number, delayMs: number, failure: AttemptFailure): void;
  /** Waits between attempts (cut short on close). */
  sleep(delayMs: number): Promise<void>;
  /** Throws (`closed`) once the client is closed: checked before every attempt. */
  assertOpen(): void;
}

/**
 * Runs one renewal to its outcome: the record, or the error of the last attempt. A rejected grant is never
 * retried (a wrong password retried is an account locked); a refused refresh becomes a password grant
 * within the same flight, so callers see success; transient failures are retried with backoff, and a
 * login accepted with an unusable answer at most once.
 */
export async function retryGrant(callbacks: RetryerCallbacks): Promise<TokenRecord> {
  let passwordOnly = false;
  let retries = 0;
  let unusableLogins = 0;
  for (;;) {
    callbacks.assertOpen();
    const grant: ApiaxGrantType = passwordOnly ? 'password' : callbacks.nextGrant();
    const result = await callbacks.attempt(grant);
    if (result.ok) return result.record;
    const { failure } = result;
    if (failure.kind === 'refresh-rejected' && grant === 'refresh') {
      callbacks.switchToPassword(failure);
      passwordOnly = true;
      retries = 0;
      continue;
    }
    if (failure.kind === 'rejected' || failure.kind === 'refresh-rejected') throw failure.error;
    if (failure.kind === 'unusable' && grant === 'password' && ++unusableLogins > callbacks.unusableLoginRetries) {
      await callbacks.giveUpOnUnusableLogins(failure.error);
      throw failure.error;
    }
    callbacks.assertOpen();
    retries += 1;
    if (retries > callbacks.maxRetries) throw failure.error;
    const delayMs = callbacks.delayMs(retries, failure);
    callbacks.onRetry(grant, retries, delayMs, failure);
    await callbacks.sleep(delayMs);
  }
}

/** The longest one grant with all its retries can take: the ttl of the store's lock around it. */
export function grantBudgetMs(settings: { maxRetries: number; requestTimeoutMs: number; retryMaxDelayMs: number }): number {
  const { maxRetries, requestTimeoutMs, retryMaxDelayMs } = settings;
  return Math.min(2 ** 31 - 1, (maxRetries + 1) * requestTimeoutMs + maxRetries * retryMaxDelayMs + 1_000);
}

/** The retry settings of the options. */
export interface RetrySettings {
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  clock: ApiaxClock;
}

/** The backoff delay before retry number `attempt`, from the options (see `backoffDelay`). */
export function retryDelayMs(settings: RetrySettings, attempt: number, retryAfterMs?: number): number {
  return backoffDelay(attempt, { baseDelayMs: settings.retryBaseDelayMs, maxDelayMs: settings.retryMaxDelayMs }, Math.random, retryAfterMs);
}

/**
 * The callbacks of the retryer that depend on the options only: how often and how long to wait (on the
 * client's clock, cut short by `signal`), and how a retry is reported (a `warn` line and a `retry` event).
 */
export function retrySchedule(
  settings: RetrySettings,
  report: { log: SafeLogger; events: TypedEmitter<ApiaxAuthEvents>; signal: AbortSignal },
): Pick<RetryerCallbacks, 'maxRetries' | 'delayMs' | 'onRetry' | 'sleep'> {
  return {
    maxRetries: settings.maxRetries,
    delayMs: (attempt, failure) => retryDelayMs(settings, attempt, failure.kind === 'transient' ? failure.retryAfterMs : undefined),
    onRetry: (grant, attempt, delayMs, failure) => {
      const { code, status } = failure.error;
      report.log.warn('token request failed; retrying', { grant, attempt, delayMs, code, status });
      report.events.emit('retry', { grant, attempt, delayMs, error: failure.error, at: settings.clock.now() });
    },
    sleep: (delayMs) => sleep(settings.clock, delayMs, report.signal),
  };
}
