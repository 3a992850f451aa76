/**
 * A token record: what one successful grant yielded, with absolute times (epoch ms, local clock).
 * Records hold secrets: a store must keep them out of logs, and a shared store should encrypt them.
 */
export interface TokenRecord {
  accessToken: string;
  /** When the access token expires, by the local clock of the instance that obtained it (counted from {@link obtainedAt}). */
  accessTokenExpiresAt: number;
  refreshToken: string | null;
  /** When the refresh token (the Keycloak session) expires; `null` when the server did not say. */
  refreshTokenExpiresAt: number | null;
  /**
   * When the grant's request was sent (local clock). Lifetimes count from here: the server issued the
   * token after this instant, so the request's duration never inflates an expiry.
   */
  obtainedAt: number;
  /** When the password login that started this Keycloak session happened. */
  sessionStartedAt: number;
  scope?: string;
}

/**
 * A rejected password grant, shared through the store like a token so that a whole fleet cools down
 * together (one password per cooldown step, fleet-wide). Stored under the account's key plus
 * {@link LOGIN_REJECTION_KEY_SUFFIX}. It holds no secret and nothing that lets anyone test a password:
 * `credentialTag` is a salted scrypt of the credentials, so an instance started with corrected
 * credentials can tell the rejection is not about them.
 */
export interface LoginRejectionRecord {
  kind: 'login-rejection';
  /** When the (latest) rejection happened, epoch ms: the field a store's compare-and-set orders by. */
  obtainedAt: number;
  /** Rejections in a row of these credentials. */
  rejections: number;
  /** Until when (epoch ms) no instance sends these credentials again; `null`: never again (gave up). */
  retryAt: number | null;
  /** The `ApiaxAuthError` code of the rejection, and the server's status and `error`, for fast failures. */
  code: string;
  status?: number;
  oauthError?: string;
  /** base64url salt and scrypt output over the credentials; never a plain hash. */
  credentialSalt: string;
  credentialTag: string;
}

/** What a store holds under a key: a token record, or (under the derived key) a login rejection. */
export type StoredRecord = TokenRecord | LoginRejectionRecord;

/** The suffix of the key under which a login rejection is shared. */
export const LOGIN_REJECTION_KEY_SUFFIX = ':login-rejection';

/** Options a store's {@link TokenStore.withLock} receives from the client. */
export interface TokenStoreLockOptions {
  /**
   * The longest a live holder may keep the lock (one grant with all its retries). A store may expire a
   * dead holder's lock sooner by holding a shorter lease that it renews while `critical` runs.
   */
  ttlMs: number;
  /** How long to wait for another holder before giving up and running without the lock. */
  waitMs: number;
  signal?: AbortSignal;
}

/**
 * Where token records live. Keys are derived from issuer + client + username (never from a secret).
 *
 * The client keeps a local copy and reads the store only when that copy needs action (missing,
 * due for refresh, rejected), so a slow store never slows the warm path.
 *
 * ## The contract: core owns a failing store
 * - A store reports a failure by rejecting (throwing), promptly: it keeps no fallback copy of its own,
 *   retries nothing for long and never hangs (bound every call in time).
 * - The client catches every store call. While calls fail it runs on its own local copy (and its own
 *   single flight instead of the store's lock), logs one warning, reports `status().store === 'degraded'`,
 *   and, once a call succeeds again, writes its record back with {@link TokenStore.set}.
 * - {@link TokenStore.set} is a compare-and-set on {@link TokenRecord.obtainedAt}: a store never replaces a
 *   newer record with an older one, so two instances writing back at once leave the newer record.
 * - What {@link TokenStore.get} returns is validated by the client ({@link parseStoredRecord}): a store that
 *   decodes records itself validates with the same function.
 */
export interface TokenStore {
  get(key: string): Promise<StoredRecord | null>;
  /**
   * Stores `record` (a JSON-serialisable object: store it as it is) unless the store already holds one with
   * a later `obtainedAt` (compare-and-set).
   */
  set(key: string, record: StoredRecord): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Optional cross-process mutual exclusion. When present, the client runs every grant inside it
   * and re-reads the store first: another process may have refreshed meanwhile.
   */
  withLock?<T>(key: string, critical: () => Promise<T>, options: TokenStoreLockOptions): Promise<T>;
  /**
   * Releases connections. `auth.close()` calls it once per client, so a store shared by several clients
   * must stay usable afterwards (reopening lazily, as `RedisTokenStore` does).
   */
  close?(): Promise<void>;
}

/**
 * The one validator of stored records: returns `value` as a {@link TokenRecord} when it has the right shape
 * (a non-empty access token, finite times, optional `scope` a string), else `null`. A record read from a
 * store may be stale, foreign, corrupt or planted: nothing else is trusted.
 */
export function parseTokenRecord(value: unknown): TokenRecord | null {
  if (value === null || typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  const valid =
    typeof record['accessToken'] === 'string' &&
    record['accessToken'] !== '' &&
    isFiniteNumber(record['accessTokenExpiresAt']) &&
    (record['refreshToken'] === null || (typeof record['refreshToken'] === 'string' && record['refreshToken'] !== '')) &&
    (record['refreshTokenExpiresAt'] === null || isFiniteNumber(record['refreshTokenExpiresAt'])) &&
    isFiniteNumber(record['obtainedAt']) &&
    isFiniteNumber(record['sessionStartedAt']) &&
    (record['scope'] === undefined || typeof record['scope'] === 'string');
  return valid ? (value as TokenRecord) : null;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** {@link parseTokenRecord} for token records, and the same for {@link LoginRejectionRecord}s: the one validator a store needs. */
export function parseStoredRecord(value: unknown): StoredRecord | null {
  if (value === null || typeof value !== 'object') return null;
  if ((value as { kind?: unknown }).kind !== 'login-rejection') return parseTokenRecord(value);
  const record = value as Record<string, unknown>;
  const valid =
    isFiniteNumber(record['obtainedAt']) &&
    isFiniteNumber(record['rejections']) &&
    (record['retryAt'] === null || isFiniteNumber(record['retryAt'])) &&
    typeof record['code'] === 'string' &&
    (record['status'] === undefined || isFiniteNumber(record['status'])) &&
    (record['oauthError'] === undefined || typeof record['oauthError'] === 'string') &&
    typeof record['credentialSalt'] === 'string' &&
    typeof record['credentialTag'] === 'string';
  return valid ? (value as LoginRejectionRecord) : null;
}
