import type { ApiaxAuthErrorCode } from './errors.js';
import { MemoryTokenStore } from './memory-store.js';
import type { TokenStore } from './store.js';

/**
 * Whether the client can serve tokens, for probes and dashboards.
 * `up`: a usable token, or none needed yet (a client never used is up).
 * `degraded`: the token still serves, but the last renewal failed, or the shared store is unreachable.
 * `down`: no usable token and the last attempt failed, or the client is closed.
 */
export type ApiaxHealth = 'up' | 'degraded' | 'down';

/**
 * Where the token lives. `local`: the built-in in-memory store; `shared`: any other store (Redis, a
 * file...); `degraded`: the last call to a shared store failed, the client runs on its local copy.
 */
export type ApiaxStoreState = 'local' | 'shared' | 'degraded';

/** What the session knows, reduced to what health depends on. */
export interface HealthInput {
  closed: boolean;
  /** The current token may be sent now (the policy allows it). */
  usableToken: boolean;
  /** The code of the last failed renewal; `null` once a renewal succeeded (or none failed). */
  lastErrorCode: ApiaxAuthErrorCode | null;
  /** The store the session was given is the built-in in-memory one. */
  storeIsLocal: boolean;
  /** The last call to the store failed. */
  storeFailing: boolean;
}

/** The `health` and `store` fields of `auth.status()`. */
export interface HealthFields {
  health: ApiaxHealth;
  store: ApiaxStoreState;
}

/** Pure: health and store state from the session's facts (see {@link ApiaxHealth} for the rules). */
export function healthOf(input: HealthInput): HealthFields {
  const store = storeStateOf(input.storeIsLocal, input.storeFailing);
  if (input.closed) return { health: 'down', store };
  const renewalFailed = input.lastErrorCode !== null;
  if (!input.usableToken && renewalFailed) return { health: 'down', store };
  if (renewalFailed || store === 'degraded') return { health: 'degraded', store };
  return { health: 'up', store };
}

/** Pure: a local store never degrades (it cannot be unreachable); a shared one is degraded while failing. */
export function storeStateOf(storeIsLocal: boolean, storeFailing: boolean): ApiaxStoreState {
  if (storeIsLocal) return 'local';
  return storeFailing ? 'degraded' : 'shared';
}

/**
 * A store is local when it is the built-in {@link MemoryTokenStore}: tokens live in this process only.
 * Any other store is taken as shared, since it can fail the way a network store does.
 */
export function isLocalStore(store: TokenStore): boolean {
  return store instanceof MemoryTokenStore;
}

/** The JSON a health endpoint answers: the health, state, store and expiries; never a secret nor a message. */
export interface ApiaxHealthBody {
  status: ApiaxHealth;
  /** As `status().state`: `signed-out`, `valid`, `refreshing`, `expired` or `failed`. */
  state: string;
  store: ApiaxStoreState;
  /** Epoch ms, or `null`. */
  accessTokenExpiresAt: number | null;
  /** Epoch ms, or `null` when unknown. */
  refreshTokenExpiresAt: number | null;
  /** The code alone: messages name the account, which a probe need not disclose. */
  lastError: { code: ApiaxAuthErrorCode } | null;
}

/** What a health endpoint answers: 200 for `up` and `degraded` (keep the pod), 503 for `down`. */
export interface ApiaxHealthReport {
  httpStatus: 200 | 503;
  body: ApiaxHealthBody;
}

/** The fields of `auth.status()` a health endpoint reads (declared here so health.ts does not import client.ts). */
export interface HealthStatusSnapshot extends HealthFields {
  state: string;
  accessTokenExpiresAt: number | null;
  refreshTokenExpiresAt: number | null;
  lastError: { code: ApiaxAuthErrorCode } | null;
}

/**
 * Pure: the health endpoint's answer for a `status()` snapshot. The adapters (Express `apiaxHealth`,
 * Nest `ApiaxHealthIndicator`, a Next route handler) all answer with it.
 * @example
 * const { httpStatus, body } = healthReport(auth.status());
 * return Response.json(body, { status: httpStatus });
 */
export function healthReport(status: HealthStatusSnapshot): ApiaxHealthReport {
  return {
    httpStatus: status.health === 'down' ? 503 : 200,
    body: {
      status: status.health,
      state: status.state,
      store: status.store,
      accessTokenExpiresAt: status.accessTokenExpiresAt,
      refreshTokenExpiresAt: status.refreshTokenExpiresAt,
      lastError: status.lastError === null ? null : { code: status.lastError.code },
    },
  };
}
