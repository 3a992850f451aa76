import { backoffDelay, loginCooldownDelay } from './backoff.js';
import type { ApiaxAuthEvents, ApiaxAuthStatus, ApiaxTokenEvent } from './client.js';
import { ApiaxAuthError, isLoginRejection } from './errors.js';
import type { GrantFailure } from './error-mapping.js';
import type { TypedEmitter } from './events.js';
import type { Grants } from './grants.js';
import { toTokenRecord } from './lifetimes.js';
import type { SafeLogger } from './logging.js';
import type { ResolvedOptions } from './options.js';
import { decide, isUsable, nextActionAt, renewalGrant, type PolicySettings } from './policy.js';
import type { Redactor } from './redaction.js';
import { parseTokenRecord, type TokenRecord, type TokenStore } from './store.js';
import { healthOf, isLocalStore } from './health.js';
import type { Telemetry } from './telemetry.js';

type TokenReason = ApiaxTokenEvent['reason'];

/** Why a grant flight runs, and what result would satisfy it. */
interface FlightRequest {
  reason: TokenReason;
  /** Forced renewals (and 401s): a record still carrying this access token does not count as renewed; `undefined`: any valid one does. */
  replacing: string | undefined;
  /** No caller waits for it: failures only reach events and logs. */
  background: boolean;
}

export interface SessionDependencies {
  options: ResolvedOptions;
  grants: Grants;
  store: TokenStore;
  storeKey: string;
  events: TypedEmitter<ApiaxAuthEvents>;
  log: SafeLogger;
  redactor: Redactor;
  /** Spans and metrics around each token-endpoint request. */
  telemetry: Telemetry;
}

/** Longest delay `setTimeout` accepts. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * The state machine of one account: the local token copy, one grant flight at a time, retries
 * with backoff, the cooldown after a rejected login, background renewal, the shared store.
 */
export class TokenSession {
  readonly #options: ResolvedOptions;
  readonly #grants: Grants;
  readonly #store: TokenStore;
  readonly #storeKey: string;
  readonly #events: TypedEmitter<ApiaxAuthEvents>;
  readonly #log: SafeLogger;
  readonly #redactor: Redactor;
  readonly #telemetry: Telemetry;
  readonly #policy: PolicySettings;
  /** Aborts retry waits on close. */
  readonly #closing = new AbortController();

  #record: TokenRecord | null = null;
  /** Until when (epoch ms) the policy says `use` for {@link #record}: computed once per record, for the warm path. */
  #useUntil = Number.NEGATIVE_INFINITY;
  #flight: Promise<TokenRecord> | null = null;
  /** After a rejected login: fail fast until `until`; `rejections` in a row stretch the next wait. */
  #cooldown: { until: number; error: ApiaxAuthError; rejections: number } | null = null;
  #lastError: ApiaxAuthError | null = null;
  readonly #sent = { password: 0, refresh: 0 };
  #closed = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Real-time (monotonic) instant before which no new background flight starts, after one failed. */
  #backgroundPausedUntil = 0;
  #storeDegraded = false;
  /** Whether a session ever existed: tells a first login from a re-login in `token` events. */
  #signedInBefore = false;

  constructor(dependencies: SessionDependencies) {
    this.#options = dependencies.options;
    this.#grants = dependencies.grants;
    this.#store = dependencies.store;
    this.#storeKey = dependencies.storeKey;
    this.#events = dependencies.events;
    this.#log = dependencies.log;
    this.#redactor = dependencies.redactor;
    this.#telemetry = dependencies.telemetry;
    this.#policy = { refreshWindowMs: this.#options.refreshWindowMs, expiryMarginMs: this.#options.expiryMarginMs };
  }

  /** @throws ApiaxAuthError `closed` after {@link close}. */
  assertOpen(): void {
    if (this.#closed) throw new ApiaxAuthError('closed', 'This apiax-auth client was closed');
  }

  /** A token the policy allows to send now; waits for a grant only when the current one cannot serve. */
  async getAccessToken(forceRefresh = false): Promise<string> {
    this.assertOpen();
    if (forceRefresh) {
      return (await this.#renew({ reason: 'forced', replacing: this.#record?.accessToken, background: false })).accessToken;
    }
    const record = this.#record;
    // The warm path: one comparison against the policy's answer cached for this record; no store, no await.
    if (record !== null && this.#options.now() < this.#useUntil) return record.accessToken;
    return this.#slowPath();
  }

  /**
   * The API answered 401 to `rejectedToken`. Returns a newer token: the current one when it already
   * differs, else the result of one forced renewal shared by every caller that saw the same 401.
   */
  async renewAfterUnauthorized(rejectedToken: string): Promise<string> {
    this.assertOpen();
    const record = this.#record;
    if (record !== null && record.accessToken !== rejectedToken) return this.getAccessToken();
    return (await this.#renew({ reason: 'unauthorized', replacing: rejectedToken, background: false })).accessToken;
  }

  status(): ApiaxAuthStatus {
    const record = this.#record;
    const now = this.#options.now();
    let state: ApiaxAuthStatus['state'];
    if (this.#closed || (record === null && this.#flight === null && this.#lastError === null)) state = 'signed-out';
    else if (this.#flight !== null) state = 'refreshing';
    else if (record !== null && isUsable(record, now, this.#policy)) state = 'valid';
    else if (this.#lastError !== null) state = 'failed';
    else state = 'expired';
    const lastError = this.#lastError;
    return {
      state,
      accessTokenExpiresAt: record?.accessTokenExpiresAt ?? null,
      refreshTokenExpiresAt: record?.refreshTokenExpiresAt ?? null,
      grants: { ...this.#sent },
      lastError: lastError === null ? null : { code: lastError.code, message: lastError.message },
      ...healthOf({
        closed: this.#closed,
        usableToken: record !== null && isUsable(record, now, this.#policy),
        lastErrorCode: lastError?.code ?? null,
        storeIsLocal: isLocalStore(this.#store),
        storeFailing: this.#storeDegraded,
      }),
    };
  }

  /** Stops timers and retries, optionally ends the Keycloak session, releases the store. Idempotent. */
  async close(logout: boolean): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort();
    this.#clearTimer();
    // Let a request already on the wire finish, so logout uses the newest refresh token.
    await this.#flight?.catch(() => undefined);
    const refreshToken = this.#record?.refreshToken;
    if (logout && refreshToken) {
      const outcome = await this.#telemetry.request('logout', undefined, false, () => this.#grants.logout(refreshToken));
      if (outcome.ok) {
        this.#log.info('logged out', { sessionWasActive: outcome.sessionWasActive });
      } else {
        this.#log.warn('logout failed', { code: outcome.failure.error.code, status: outcome.failure.error.status });
        this.#events.emit('error', outcome.failure.error);
      }
      await this.#storeCall('delete', () => this.#store.delete(this.#storeKey));
    }
    this.#setRecord(null);
    if (this.#store.close) await this.#storeCall('close', () => this.#store.close!());
  }

  async #slowPath(): Promise<string> {
    const record = this.#record;
    const action = decide(record, this.#options.now(), this.#policy);
    switch (action.type) {
      case 'use':
        return record!.accessToken;
      case 'use-and-refresh':
        this.#startBackground('expiring');
        return record!.accessToken;
      case 'login':
        if (action.background) {
          this.#startBackground('relogin');
          return record!.accessToken;
        }
        return (await this.#renew({ reason: record === null ? 'initial' : 'relogin', replacing: undefined, background: false })).accessToken;
      case 'wait-for-refresh':
        return (await this.#renew({ reason: 'expired', replacing: undefined, background: false })).accessToken;
    }
  }

  /**
   * Joins the flight in progress, or starts one: every caller of one flight gets its one outcome. A
   * renewal that replaces a given token does not take that very token from the flight it joined (one
   * that already committed it and is still writing it to the store): it follows with a flight of its own.
   */
  #renew(request: FlightRequest): Promise<TokenRecord> {
    const inFlight = this.#flight;
    if (inFlight === null) return this.#startFlight(request);
    const { replacing } = request;
    if (replacing === undefined) return inFlight;
    return inFlight.then((record) => (record.accessToken === replacing ? this.#renew(request) : record));
  }

  /** Starts a flight, unless it would send the password during the cooldown: then fails fast, sending nothing. */
  #startFlight(request: FlightRequest): Promise<TokenRecord> {
    const coolingDown = this.#nextGrant() === 'login' ? this.#cooldownFailure() : null;
    if (coolingDown !== null) return Promise.reject(coolingDown);
    const flight = this.#fly(request).finally(() => {
      if (this.#flight === flight) this.#flight = null;
    });
    this.#flight = flight;
    return flight;
  }

  #startBackground(reason: TokenReason): void {
    if (this.#flight !== null || this.#closed || performance.now() < this.#backgroundPausedUntil) return;
    this.#renew({ reason, replacing: undefined, background: true }).catch(() => {
      // Reported by #fly (event + log), or a cooldown that sent nothing; the current token keeps serving.
    });
  }

  async #fly(request: FlightRequest): Promise<TokenRecord> {
    try {
      const record = await this.#underStoreLock(request);
      this.#lastError = null;
      this.#backgroundPausedUntil = 0;
      return record;
    } catch (thrown) {
      const error =
        thrown instanceof ApiaxAuthError ? thrown : new ApiaxAuthError('invalid_response', 'Unexpected failure while renewing the token');
      if (error.code !== 'closed') {
        this.#lastError = error;
        this.#log.error(request.background ? 'background renewal failed; the current token keeps serving' : 'token renewal failed', {
          code: error.code,
          status: error.status,
          oauthError: error.oauthError,
        });
        this.#events.emit('error', error);
        const pauseMs = this.#backoff(this.#options.maxRetries + 1);
        if (request.background) this.#backgroundPausedUntil = performance.now() + pauseMs;
        // Whoever started the flight, the background timer tries again later: a timer that fired
        // during the flight gave way to it and is not armed any more.
        this.#schedule(pauseMs);
      }
      throw error;
    }
  }

  /**
   * With a lockable store, the grant runs inside the lock and re-reads the store first: another
   * process may have renewed meanwhile. A store that fails degrades to a local grant.
   */
  async #underStoreLock(request: FlightRequest): Promise<TokenRecord> {
    const store = this.#store;
    if (store.withLock === undefined) return this.#adoptOrGrant(request);
    let renewal: Promise<TokenRecord> | undefined;
    const critical = (): Promise<TokenRecord> => (renewal ??= this.#adoptOrGrant(request));
    const grantBudgetMs = this.#grantBudgetMs();
    try {
      return await store.withLock(this.#storeKey, critical, { ttlMs: grantBudgetMs, waitMs: grantBudgetMs, signal: this.#closing.signal });
    } catch (error) {
      // Once the renewal started, its outcome is the answer (its own failure included): a second
      // grant beside it would race it, and with rotating refresh tokens end the session.
      if (renewal !== undefined) {
        const record = await renewal;
        this.#storeFailed('withLock', error);
        return record;
      }
      this.assertOpen();
      this.#storeFailed('withLock', error);
      return this.#grantWithRetries(request);
    }
  }

  /** Another instance sharing the store may have renewed already: adopt its record instead of a grant. */
  async #adoptOrGrant(request: FlightRequest): Promise<TokenRecord> {
    this.assertOpen();
    return (await this.#adoptFromStore(request)) ?? this.#grantWithRetries(request);
  }

  /** The longest one grant with all its retries can take: the lock's ttl. */
  #grantBudgetMs(): number {
    const { maxRetries, requestTimeoutMs, retryMaxDelayMs } = this.#options;
    return Math.min(MAX_TIMER_DELAY_MS, (maxRetries + 1) * requestTimeoutMs + maxRetries * retryMaxDelayMs + 1_000);
  }

  async #grantWithRetries(request: FlightRequest): Promise<TokenRecord> {
    let forceLogin = false;
    let reason = request.reason;
    for (let attempt = 1; ; attempt += 1) {
      this.assertOpen();
      const previous = this.#record;
      const grant = forceLogin ? 'login' : this.#nextGrant();
      const coolingDown = grant === 'login' ? this.#cooldownFailure() : null;
      if (coolingDown !== null) throw coolingDown;
      this.#log.debug('sending a token request', { grant: grant === 'refresh' ? 'refresh' : 'password', attempt, reason });

      const outcome = await this.#telemetry.request(grant === 'refresh' ? 'refresh' : 'password', reason, request.background, () =>
        grant === 'refresh' ? this.#grants.refresh(previous!.refreshToken!) : this.#grants.password(),
      );
      this.#sent[grant === 'refresh' ? 'refresh' : 'password'] += 1;

      let failure: GrantFailure;
      if (outcome.ok) {
        try {
          const record = toTokenRecord(outcome.response, { requestedAt: outcome.requestedAt, previous: grant === 'refresh' ? previous : null });
          const eventReason: TokenReason = grant === 'refresh' ? reason : this.#signedInBefore ? 'relogin' : 'initial';
          // Committed even if close() ran meanwhile (a logout must use the newest refresh token), and
          // even if it arrived too late to serve (its refresh token may be the only valid one now).
          await this.#commit(record, grant === 'refresh' ? 'refresh' : 'password', eventReason);
          this.assertOpen();
          if (isUsable(record, this.#options.now(), this.#policy)) return record;
          failure = {
            kind: 'transient',
            error: new ApiaxAuthError('invalid_response', 'The token arrived too close to its expiry to be used', { retryable: true }),
          };
        } catch (error) {
          if (!(error instanceof ApiaxAuthError) || error.code === 'closed') throw error;
          failure = { kind: 'transient', error };
        }
      } else {
        failure = outcome.failure;
      }

      if (failure.kind === 'refresh-rejected') {
        // Expired, ended or rotated session: log in again within the same flight; callers see success.
        this.#log.info('refresh rejected; logging in again', { oauthError: failure.error.oauthError, status: failure.error.status });
        if (this.#record !== null) this.#setRecord({ ...this.#record, refreshToken: null, refreshTokenExpiresAt: null });
        forceLogin = true;
        reason = 'relogin';
        attempt = 0;
        continue;
      }
      if (failure.kind === 'rejected') {
        if (grant === 'login' && isLoginRejection(failure.error)) {
          const rejections = (this.#cooldown?.rejections ?? 0) + 1;
          const until = this.#options.now() + loginCooldownDelay(rejections, this.#options.loginCooldownMs);
          this.#cooldown = { until, error: failure.error, rejections };
        }
        throw failure.error;
      }
      this.assertOpen();
      if (attempt > this.#options.maxRetries) throw failure.error;
      const delayMs = this.#backoff(attempt, failure.retryAfterMs);
      this.#log.warn('token request failed; retrying', { grant, attempt, delayMs, code: failure.error.code, status: failure.error.status });
      this.#events.emit('retry', {
        grant: grant === 'refresh' ? 'refresh' : 'password',
        attempt,
        delayMs,
        error: failure.error,
        at: this.#options.now(),
      });
      await this.#sleep(delayMs);
    }
  }

  /** Which grant renews the current record: refresh while its refresh token is alive and worth it. */
  #nextGrant(): 'refresh' | 'login' {
    const record = this.#record;
    if (record === null) return 'login';
    return renewalGrant(record, this.#options.now(), this.#policy);
  }

  async #commit(record: TokenRecord, grant: ApiaxTokenEvent['grant'], reason: TokenReason): Promise<void> {
    this.#redactor.addRotating(record.accessToken);
    this.#redactor.addRotating(record.refreshToken);
    this.#setRecord(record);
    this.#signedInBefore = true;
    if (grant === 'password') this.#cooldown = null;
    if (grant !== 'store') await this.#storeCall('set', () => this.#store.set(this.#storeKey, record));
    const summary = { grant, reason, accessTokenExpiresAt: record.accessTokenExpiresAt, refreshTokenExpiresAt: record.refreshTokenExpiresAt };
    this.#log.info(grant === 'store' ? 'adopted a token renewed by another instance' : 'token obtained', summary);
    this.#events.emit('token', { ...summary, at: this.#options.now() });
    this.#schedule();
  }

  #setRecord(record: TokenRecord | null): void {
    this.#record = record;
    this.#useUntil = record === null ? Number.NEGATIVE_INFINITY : nextActionAt(record, this.#policy);
  }

  /**
   * Adopts the store's record when it is newer than ours. Returns it when it serves `request` (the
   * policy says `use`; for a forced renewal, it carries another token), else `null`: a grant follows.
   */
  async #adoptFromStore(request: FlightRequest): Promise<TokenRecord | null> {
    const stored = parseTokenRecord(await this.#storeCall('get', () => this.#store.get(this.#storeKey)));
    if (stored === null) return null;
    const current = this.#record;
    if (current !== null && (stored.obtainedAt <= current.obtainedAt || stored.accessToken === current.accessToken)) return null;
    const serves =
      (request.replacing === undefined || stored.accessToken !== request.replacing) &&
      decide(stored, this.#options.now(), this.#policy).type === 'use';
    if (serves) {
      await this.#commit(stored, 'store', request.reason);
      return stored;
    }
    // Too old to serve, yet newer than ours: the grant must start from it. Another instance may have
    // rotated the refresh token ours came from, and refreshing with that one ends the shared session.
    this.#redactor.addRotating(stored.accessToken);
    this.#redactor.addRotating(stored.refreshToken);
    this.#setRecord(stored);
    return null;
  }

  /** The fast failure of a login attempted during the cooldown after a rejected one; `null` outside it. */
  #cooldownFailure(): ApiaxAuthError | null {
    const cooldown = this.#cooldown;
    const now = this.#options.now();
    if (cooldown === null || now >= cooldown.until) return null;
    const { code, message, status, oauthError } = cooldown.error;
    const waiting = Number.isFinite(cooldown.until)
      ? `Failing fast for ${Math.ceil((cooldown.until - now) / 1000)} s more (loginCooldownMs) instead of sending the password again.`
      : `${cooldown.rejections} logins were rejected: this client will not send the password again. Fix the credentials and create a new client.`;
    this.#log.debug('login refused earlier; failing fast', { code, rejections: cooldown.rejections });
    return new ApiaxAuthError(code, `${message} ${waiting}`, { retryable: false, status, oauthError });
  }

  /** Background renewal: one `unref`'d timer at the moment the policy stops answering `use`. */
  #schedule(delayOverrideMs?: number): void {
    this.#clearTimer();
    const record = this.#record;
    if (!this.#options.background || this.#closed || record === null) return;
    const delay = delayOverrideMs ?? nextActionAt(record, this.#policy) - this.#options.now();
    this.#timer = setTimeout(() => this.#onTimer(), Math.min(MAX_TIMER_DELAY_MS, Math.max(0, delay)));
    this.#timer.unref?.();
  }

  #onTimer(): void {
    this.#timer = undefined;
    // A flight in progress re-arms the timer when it ends, whatever its outcome.
    if (this.#closed || this.#flight !== null) return;
    const action = decide(this.#record, this.#options.now(), this.#policy);
    if (action.type === 'use') {
      this.#schedule();
      return;
    }
    if (performance.now() < this.#backgroundPausedUntil) {
      this.#schedule(this.#backgroundPausedUntil - performance.now());
      return;
    }
    if (this.#cooldown !== null && this.#options.now() < this.#cooldown.until && this.#nextGrant() === 'login') {
      // A client that gave up on its password keeps no timer: only a new client logs in again.
      if (Number.isFinite(this.#cooldown.until)) this.#schedule(this.#cooldown.until - this.#options.now());
      return;
    }
    this.#renew({ reason: 'background', replacing: undefined, background: true }).catch(() => {
      // Reported by #fly, which also re-arms the timer after a pause.
    });
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #backoff(attempt: number, retryAfterMs?: number): number {
    return backoffDelay(
      attempt,
      { baseDelayMs: this.#options.retryBaseDelayMs, maxDelayMs: this.#options.retryMaxDelayMs },
      Math.random,
      retryAfterMs,
    );
  }

  /** Waits between retries; `close()` cuts it short. */
  #sleep(ms: number): Promise<void> {
    const signal = this.#closing.signal;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Runs a store call; a failing store degrades to local operation with one `warn`, never a failed call. */
  async #storeCall<T>(operation: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await call();
      if (this.#storeDegraded) {
        this.#storeDegraded = false;
        this.#log.info('token store recovered');
      }
      return result;
    } catch (error) {
      this.#storeFailed(operation, error);
      return undefined;
    }
  }

  #storeFailed(operation: string, error: unknown): void {
    if (this.#storeDegraded) return;
    this.#storeDegraded = true;
    const name = (error as { name?: unknown } | null)?.name;
    this.#log.warn('token store failed; continuing with the local copy only', {
      operation,
      error: typeof name === 'string' ? name : 'Error',
    });
  }
}
