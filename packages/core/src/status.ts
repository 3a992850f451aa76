import type { ApiaxAuthState } from './events.js';

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
