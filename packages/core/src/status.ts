import type { ApiaxAuthError } from './errors.js';
import { healthOf, type ApiaxStoreState } from './health.js';
import type { ApiaxAuthState, ApiaxAuthStatus } from './events.js';
import type { TokenRecord } from './store.js';

/** What the session knows, as plain facts: {@link sessionState} turns them into `status().state`. */
export interface SessionFacts {
  closed: boolean;
  hasRecord: boolean;
  /** The record's access token may be sent now. */
  usable: boolean;
  /** A grant flight is running. */
  renewing: boolean;
  /** The last renewal failed (and none succeeded since). */
  failed: boolean;
}

/**
 * `signed-out`: closed, or never used; `refreshing`: a grant runs; `valid`: the token may be sent;
 * `failed`: it may not, and the last renewal failed; `expired`: it may not, and nothing failed yet.
 */
export function sessionState(facts: SessionFacts): ApiaxAuthState {
  if (facts.closed || (!facts.hasRecord && !facts.renewing && !facts.failed)) return 'signed-out';
  if (facts.renewing) return 'refreshing';
  if (facts.usable) return 'valid';
  return facts.failed ? 'failed' : 'expired';
}

/** `status()`: plain data, no secret (an error's message is scrubbed where it is made). */
export function statusSnapshot(
  facts: Omit<SessionFacts, 'hasRecord' | 'failed'> & {
    record: TokenRecord | null;
    lastError: ApiaxAuthError | null;
    sent: { password: number; refresh: number };
    store: ApiaxStoreState;
  },
): ApiaxAuthStatus {
  const { record, lastError, store } = facts;
  const health = healthOf({
    closed: facts.closed,
    usableToken: facts.usable,
    lastErrorCode: lastError?.code ?? null,
    storeIsLocal: store === 'local',
    storeFailing: store === 'degraded',
  });
  return {
    ...health,
    state: sessionState({ ...facts, hasRecord: record !== null, failed: lastError !== null }),
    accessTokenExpiresAt: record?.accessTokenExpiresAt ?? null,
    refreshTokenExpiresAt: record?.refreshTokenExpiresAt ?? null,
    grants: { ...facts.sent },
    lastError: lastError === null ? null : { code: lastError.code, message: lastError.message },
  };
}
