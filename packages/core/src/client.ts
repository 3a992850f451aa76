import { TypedEmitter, type ApiaxAuthEvents, type ApiaxAuthStatus } from './events.js';
import { createAuthenticatedFetch, type AuthenticatedFetch } from './fetch.js';
import { createGrants } from './grants.js';
import { LoginCooldown } from './login-cooldown.js';
import { createSafeLogger } from './logging.js';
import { MemoryTokenStore } from './memory-store.js';
import type { ApiaxAuthOptions } from './option-types.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { Redactor } from './redaction.js';
import { TokenSession } from './session.js';
import { GuardedStore } from './store-guard.js';
import { createTelemetry, type Telemetry } from './telemetry.js';

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
    // createGrants registers every secret it sends (password, API key, key, assertions) with it.
    const redactor = new Redactor();
    const log = createSafeLogger(resolved.logger, redactor);
    this.#events = new TypedEmitter<ApiaxAuthEvents>((event, error) => {
      log.warn('an event listener threw', { event: String(event), error: (error as { name?: unknown } | null)?.name ?? 'Error' });
    });
    const store = new GuardedStore({
      store: resolved.store ?? new MemoryTokenStore({ clock: resolved.clock }),
      key: storeKeyOf(resolved),
      reachableByOthers: resolved.store !== undefined,
      log,
      localRecord: () => this.#session.record,
    });
    const cooldown = new LoginCooldown({
      clock: resolved.clock,
      cooldownMs: resolved.loginCooldownMs,
      store,
      credentials: [resolved.username, resolved.password, resolved.clientId, resolved.assertion?.subject ?? ''].join('\0'),
      log,
    });
    const grants = createGrants(resolved, redactor);
    this.#telemetry = createTelemetry({ enabled: resolved.telemetry, tokenEndpoint: resolved.tokenEndpoint });
    const telemetry = this.#telemetry;
    this.#session = new TokenSession({ options: resolved, grants, store, cooldown, events: this.#events, log, redactor, telemetry });
    telemetry.observe(this.#session, resolved.now);
    const session = this.#session;
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
