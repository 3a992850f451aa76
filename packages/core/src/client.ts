import { ApiaxAuthError, type ApiaxAuthErrorCode } from './errors.js';
import { TypedEmitter } from './events.js';
import { createAuthenticatedFetch, type AuthenticatedFetch } from './fetch.js';
import { createGrants } from './grants.js';
import { createSafeLogger } from './logging.js';
import { MemoryTokenStore } from './memory-store.js';
import { resolveOptions, type ApiaxAuthOptions, type ResolvedOptions } from './options.js';
import { Redactor } from './redaction.js';
import { TokenSession } from './session.js';
import type { ApiaxHealth, ApiaxStoreState } from './health.js';
import { createTelemetry, type Telemetry } from './telemetry.js';

export type ApiaxAuthState = 'signed-out' | 'valid' | 'refreshing' | 'expired' | 'failed';

/** What `auth.status()` returns: plain data, no secret. */
export interface ApiaxAuthStatus {
  state: ApiaxAuthState;
  /** Epoch ms. */
  accessTokenExpiresAt: number | null;
  /** Epoch ms; `null` when unknown. */
  refreshTokenExpiresAt: number | null;
  /** Grants sent by this instance. */
  grants: { password: number; refresh: number };
  lastError: { code: ApiaxAuthErrorCode; message: string } | null;
  /** `up`, `degraded` (the token serves but renewal or the shared store fails) or `down` (no usable token, or closed). */
  health: ApiaxHealth;
  /** `local` (in-memory), `shared`, or `degraded` (the shared store is unreachable; running on the local copy). */
  store: ApiaxStoreState;
}

/** Payload of the `token` event: a grant succeeded (or a record written by another instance was adopted). */
export interface ApiaxTokenEvent {
  /** `password`: a login; `refresh`: a refresh grant; `store`: adopted from the shared store. */
  grant: 'password' | 'refresh' | 'store';
  /** Why: the first login, a re-login after the refresh token died, a refresh ahead of expiry, a 401... */
  reason: 'initial' | 'relogin' | 'expiring' | 'expired' | 'forced' | 'unauthorized' | 'background';
  accessTokenExpiresAt: number;
  refreshTokenExpiresAt: number | null;
  at: number;
}

/** Payload of the `retry` event: a transient failure of a grant, about to be retried. */
export interface ApiaxRetryEvent {
  grant: 'password' | 'refresh';
  attempt: number;
  delayMs: number;
  error: ApiaxAuthError;
  at: number;
}

export interface ApiaxAuthEvents {
  token: ApiaxTokenEvent;
  retry: ApiaxRetryEvent;
  error: ApiaxAuthError;
}

export interface GetAccessTokenOptions {
  /** Skip the cache: run a refresh (or a login) now. Concurrent forced calls share one grant. */
  forceRefresh?: boolean;
}

export interface CloseOptions {
  /** End the Keycloak session too (a logout request); default false. */
  logout?: boolean;
}

/**
 * The client: one per account per process. Create it with {@link createApiaxAuth}.
 *
 * It owns one token session: a local copy of the token, one grant in flight at a time, refresh
 * ahead of expiry, silent re-login when the refresh token dies, retries of transient failures and
 * no retry of a rejected password.
 */
export class ApiaxAuth {
  readonly #session: TokenSession;
  readonly #events: TypedEmitter<ApiaxAuthEvents>;
  readonly #fetch: AuthenticatedFetch;
  readonly #telemetry: Telemetry;
  #closing: Promise<void> | undefined;

  /** Validates every option (throws `invalid_config` naming the option); sends nothing. */
  constructor(options: ApiaxAuthOptions = {}) {
    const resolved = resolveOptions(options);
    const redactor = createRedactor(resolved);
    const log = createSafeLogger(resolved.logger, redactor);
    this.#events = new TypedEmitter<ApiaxAuthEvents>((event, error) => {
      log.warn('an event listener threw', { event: String(event), error: (error as { name?: unknown } | null)?.name ?? 'Error' });
    });
    this.#telemetry = createTelemetry({ enabled: resolved.telemetry, tokenEndpoint: resolved.tokenEndpoint });
    this.#session = new TokenSession({
      options: resolved,
      grants: createGrants(resolved, redactor),
      store: resolved.store ?? new MemoryTokenStore(),
      storeKey: storeKeyOf(resolved),
      events: this.#events,
      log,
      redactor,
      telemetry: this.#telemetry,
    });
    const session = this.#session;
    this.#telemetry.observe(session, resolved.now);
    this.#fetch = createAuthenticatedFetch({
      fetch: resolved.fetch,
      apiBaseUrl: resolved.apiBaseUrl,
      allowedOrigins: resolved.allowedOrigins,
      apiKey: resolved.apiKey,
      getAccessToken: () => session.getAccessToken(),
      renewAfterUnauthorized: (rejectedToken) => session.renewAfterUnauthorized(rejectedToken),
      assertOpen: () => session.assertOpen(),
    });
  }

  /**
   * A valid access token, from the cache when possible: never one that expires within
   * `expiryMarginMs`. Waits only when no usable token exists (cold start, after a long pause).
   * @throws ApiaxAuthError e.g. `invalid_credentials` (never retried), `unreachable` after retries, `closed`.
   */
  getAccessToken(options?: GetAccessTokenOptions): Promise<string> {
    // Not `async`, and no default `{}` for options: the warm path allocates nothing but the session's promise.
    return this.#session.getAccessToken(options?.forceRefresh === true);
  }

  /**
   * `fetch` with the token: relative URLs resolve against `apiBaseUrl`; other origins than
   * `allowedOrigins` are refused (`origin_not_allowed`, nothing sent); a 401 triggers one shared
   * renewal and one replay when the body can be replayed.
   */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    return this.#fetch(input, init);
  }

  /** A snapshot: plain data, no secret. */
  status(): ApiaxAuthStatus {
    return this.#session.status();
  }

  /**
   * Subscribes to `token` (every successful grant or adoption), `retry` (a transient failure about
   * to be retried) or `error` (a renewal failed; with no listener it is only logged). Returns the
   * unsubscribe function.
   */
  on<E extends keyof ApiaxAuthEvents>(event: E, listener: (payload: ApiaxAuthEvents[E]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /**
   * Stops timers and retries, optionally ends the Keycloak session (`logout: true`), closes the
   * store. Afterwards every call fails with `closed`. Never throws: a failed logout is logged and
   * emitted as `error`.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= this.#session.close(options.logout === true).finally(() => this.#telemetry.stop());
    await this.#closing;
  }
}

/** Creates a client; options fall back to `APIAX_*` environment variables. Sends nothing until first use. */
export function createApiaxAuth(options: ApiaxAuthOptions = {}): ApiaxAuth {
  return new ApiaxAuth(options);
}

/** The store key of an account: readable, stable across processes, never derived from a secret. */
export function storeKeyOf(options: Pick<ResolvedOptions, 'issuer' | 'clientId' | 'username'>): string {
  return `apiax-auth:v1:${options.issuer}#${options.clientId}#${options.username}`;
}

function createRedactor(options: ResolvedOptions): Redactor {
  const redactor = new Redactor();
  redactor.addPermanent(options.password);
  if (options.assertion !== undefined) {
    redactor.addPermanent(options.assertion.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  }
  return redactor;
}
