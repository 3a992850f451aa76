import type { GrantFailure } from './error-mapping.js';
import type { ApiaxAuthError } from './errors.js';
import type { ApiaxGrantType } from './events.js';
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
 * within the same flight, so callers see success; transient failures are retried with backoff.
 */
export async function retryGrant(callbacks: RetryerCallbacks): Promise<TokenRecord> {
  let passwordOnly = false;
  let retries = 0;
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
