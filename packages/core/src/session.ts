import { backoffDelay } from './backoff.js';
import { sleep } from './clock.js';
import { ApiaxAuthError, isLoginRejection } from './errors.js';
import type { ApiaxAuthEvents, ApiaxAuthStatus, ApiaxGrantType, ApiaxTokenEvent, TypedEmitter } from './events.js';
import type { Grants } from './grants.js';
import { toTokenRecord } from './lifetimes.js';
import type { SafeLogger } from './logging.js';
import type { LoginCooldown } from './login-cooldown.js';
import type { ResolvedOptions } from './options.js';
import { decide, isUsable, nextActionAt, renewalGrant, type PolicySettings } from './policy.js';
import type { Redactor } from './redaction.js';
import { RenewalTimer } from './renewal-timer.js';
import { grantBudgetMs, retryGrant, type AttemptResult, type RetryerCallbacks } from './retryer.js';
import { sessionState } from './status.js';
import type { GuardedStore } from './store-guard.js';
import type { TokenRecord } from './store.js';

type TokenReason = ApiaxTokenEvent['reason'];

/** Why a grant flight runs, and what result would satisfy it. */
interface FlightRequest {
  reason: TokenReason;
  /** Forced renewals (and 401s): a record still carrying this access token does not count as renewed. */
  replacing: string | undefined;
  /** No caller waits for it: failures only reach events and logs. */
  background: boolean;
}

export interface SessionDependencies {
  options: ResolvedOptions;
  grants: Grants;
  store: GuardedStore;
  cooldown: LoginCooldown;
  events: TypedEmitter<ApiaxAuthEvents>;
  log: SafeLogger;
  redactor: Redactor;
}

/**
 * The state machine of one account: the local token record, one grant flight at a time, and the warm
 * path. Retries live in the retryer, the rejected-login cooldown in `LoginCooldown`, background timers in
 * `RenewalTimer`, store failures in `GuardedStore`; the expiry math is the pure `policy`.
 */
export class TokenSession {
  readonly #deps: SessionDependencies;
  readonly #options: ResolvedOptions;
  readonly #policy: PolicySettings;
  readonly #timer: RenewalTimer;
  /** Aborts retry waits and lock waits on close. */
  readonly #closing = new AbortController();

  #record: TokenRecord | null = null;
  /** Until when (epoch ms) the policy says `use` for {@link #record}: computed once per record, for the warm path. */
  #useUntil = Number.NEGATIVE_INFINITY;
  #flight: Promise<TokenRecord> | null = null;
  #lastError: ApiaxAuthError | null = null;
  readonly #sent = { password: 0, refresh: 0 };
  /** Whether a session ever existed: tells a first login from a re-login in `token` events. */
  #signedInBefore = false;

  constructor(dependencies: SessionDependencies) {
    this.#deps = dependencies;
    this.#options = dependencies.options;
    this.#policy = { refreshWindowMs: this.#options.refreshWindowMs, expiryMarginMs: this.#options.expiryMarginMs };
    this.#timer = new RenewalTimer(this.#options.clock, this.#options.background, () => this.#onWake());
  }

  /** The local record (the store guard writes it back after an outage). */
  get record(): TokenRecord | null {
    return this.#record;
  }

  /** @throws ApiaxAuthError `closed` after {@link close}. */
  assertOpen(): void {
    if (this.#closing.signal.aborted) throw new ApiaxAuthError('closed', 'This apiax-auth client was closed');
  }

  /** A token the policy allows to send now; waits for a grant only when the current one cannot serve. */
  async getAccessToken(forceRefresh = false): Promise<string> {
    this.assertOpen();
    if (forceRefresh) return (await this.#renew({ reason: 'forced', replacing: this.#record?.accessToken, background: false })).accessToken;
    const record = this.#record;
    // The warm path: one comparison against the policy's answer cached for this record; no store, no await.
    if (record !== null && this.#options.clock.now() < this.#useUntil) return record.accessToken;
    const action = decide(record, this.#options.clock.now(), this.#policy);
    if (action.type === 'use') return record!.accessToken;
    if (action.type === 'use-and-refresh' || (action.type === 'password' && action.background)) {
      this.#startBackground(action.type === 'use-and-refresh' ? 'expiring' : 'relogin');
      return record!.accessToken;
    }
    const reason: TokenReason = action.type === 'wait-for-refresh' ? 'expired' : record === null ? 'initial' : 'relogin';
    return (await this.#renew({ reason, replacing: undefined, background: false })).accessToken;
  }

  /**
   * The API answered 401 to `rejectedToken`. Returns a newer token: the current one when it already
   * differs, else the result of one forced renewal shared by every caller that saw the same 401.
   */
  async renewAfterUnauthorized(rejectedToken: string): Promise<string> {
    this.assertOpen();
    if (this.#record !== null && this.#record.accessToken !== rejectedToken) return this.getAccessToken();
    return (await this.#renew({ reason: 'unauthorized', replacing: rejectedToken, background: false })).accessToken;
  }

  status(): ApiaxAuthStatus {
    const record = this.#record;
    const lastError = this.#lastError;
    return {
      state: sessionState({
        closed: this.#closing.signal.aborted,
        hasRecord: record !== null,
        usable: record !== null && isUsable(record, this.#options.clock.now(), this.#policy),
        renewing: this.#flight !== null,
        failed: lastError !== null,
      }),
      accessTokenExpiresAt: record?.accessTokenExpiresAt ?? null,
      refreshTokenExpiresAt: record?.refreshTokenExpiresAt ?? null,
      grants: { ...this.#sent },
      lastError: lastError === null ? null : { code: lastError.code, message: lastError.message },
    };
  }

  /** Stops timers and retries, optionally ends the Keycloak session, releases the store. Idempotent. */
  async close(logout: boolean): Promise<void> {
    if (this.#closing.signal.aborted) return;
    this.#closing.abort();
    this.#timer.clear();
    // Let a request already on the wire finish, so logout uses the newest refresh token.
    await this.#flight?.catch(() => undefined);
    const refreshToken = this.#record?.refreshToken;
    if (logout && refreshToken) {
      const outcome = await this.#deps.grants.logout(refreshToken);
      if (outcome.ok) {
        this.#deps.log.info('logged out', { sessionWasActive: outcome.sessionWasActive });
      } else {
        this.#deps.log.warn('logout failed', { code: outcome.failure.error.code, status: outcome.failure.error.status });
        this.#deps.events.emit('error', outcome.failure.error);
      }
      await this.#deps.store.deleteToken();
    }
    this.#setRecord(null);
    await this.#deps.store.close();
  }

  /**
   * Joins the flight in progress, or starts one: every caller of one flight gets its one outcome. A
   * renewal that replaces a given token does not take that very token from the flight it joined (one
   * that already committed it and is still writing it to the store): it follows with a flight of its own.
   */
  #renew(request: FlightRequest): Promise<TokenRecord> {
    const inFlight = this.#flight;
    if (inFlight !== null) {
      const { replacing } = request;
      if (replacing === undefined) return inFlight;
      return inFlight.then((record) => (record.accessToken === replacing ? this.#renew(request) : record));
    }
    // During a cooldown a flight that would send the password fails fast, sending nothing.
    const coolingDown = this.#nextGrant() === 'password' ? this.#deps.cooldown.failFast() : null;
    if (coolingDown !== null) return Promise.reject(coolingDown);
    const flight = this.#fly(request).finally(() => {
      if (this.#flight === flight) this.#flight = null;
    });
    this.#flight = flight;
    return flight;
  }

  #startBackground(reason: TokenReason): void {
    if (this.#flight !== null || this.#closing.signal.aborted || this.#timer.pausedUntil() !== null) return;
    this.#renew({ reason, replacing: undefined, background: true }).catch(() => {
      // Reported by #fly (event + log), or a cooldown that sent nothing; the current token keeps serving.
    });
  }

  /** One flight: under the store's lock, adopt what another instance renewed, or run the grant with retries. */
  async #fly(request: FlightRequest): Promise<TokenRecord> {
    const budgetMs = grantBudgetMs(this.#options);
    try {
      const critical = async (): Promise<TokenRecord> => (await this.#adoptFromStore(request)) ?? retryGrant(this.#retryer(request));
      const record = await this.#deps.store.withLock(critical, { ttlMs: budgetMs, waitMs: budgetMs, signal: this.#closing.signal });
      this.#lastError = null;
      this.#timer.resume();
      return record;
    } catch (thrown) {
      const error = thrown instanceof ApiaxAuthError ? thrown : new ApiaxAuthError('invalid_response', 'Unexpected failure while renewing the token');
      if (error.code !== 'closed' && !this.#closing.signal.aborted) this.#failed(request, error);
      throw this.#closing.signal.aborted ? new ApiaxAuthError('closed', 'This apiax-auth client was closed') : error;
    }
  }

  #failed(request: FlightRequest, error: ApiaxAuthError): void {
    this.#lastError = error;
    const message = request.background ? 'background renewal failed; the current token keeps serving' : 'token renewal failed';
    this.#deps.log.error(message, { code: error.code, status: error.status, oauthError: error.oauthError });
    this.#deps.events.emit('error', error);
    const pauseMs = this.#backoff(this.#options.maxRetries + 1);
    if (request.background) this.#timer.pauseFor(pauseMs);
    // Whoever started the flight, background mode tries again later (#onWake heeds pauses and cooldowns).
    this.#timer.armAt(this.#options.clock.now() + pauseMs);
  }

  /** The callbacks that drive the retryer for one flight. */
  #retryer(request: FlightRequest): RetryerCallbacks {
    let reason = request.reason;
    let unusableLogins = 0;
    return {
      maxRetries: this.#options.maxRetries,
      nextGrant: () => this.#nextGrant(),
      attempt: async (grant) => {
        const result = await this.#attempt(grant, grant === 'refresh' ? reason : this.#signedInBefore ? 'relogin' : 'initial');
        // A login the server accepted but whose answer is unusable opened a Keycloak session nobody uses:
        // one more try, then it cools down like a rejection.
        if (!result.ok && grant === 'password' && result.failure.kind === 'unusable' && ++unusableLogins > 1) {
          await this.#deps.cooldown.rejected(result.failure.error);
          return { ok: false, failure: { kind: 'rejected', error: result.failure.error } };
        }
        return result;
      },
      switchToPassword: (failure) => {
        // Expired, ended or rotated session: log in again within the same flight; callers see success.
        this.#deps.log.info('refresh rejected; logging in again', { oauthError: failure.error.oauthError, status: failure.error.status });
        if (this.#record !== null) this.#setRecord({ ...this.#record, refreshToken: null, refreshTokenExpiresAt: null });
        reason = 'relogin';
      },
      delayMs: (attempt, failure) => this.#backoff(attempt, failure.kind === 'transient' ? failure.retryAfterMs : undefined),
      onRetry: (grant, attempt, delayMs, failure) => {
        const { code, status } = failure.error;
        this.#deps.log.warn('token request failed; retrying', { grant, attempt, delayMs, code, status });
        this.#deps.events.emit('retry', { grant, attempt, delayMs, error: failure.error, at: this.#options.clock.now() });
      },
      sleep: (delayMs) => sleep(this.#options.clock, delayMs, this.#closing.signal),
      assertOpen: () => this.assertOpen(),
    };
  }

  /** Sends one grant and commits its result; a password grant checks the (fleet's) cooldown first. */
  async #attempt(grant: ApiaxGrantType, reason: TokenReason): Promise<AttemptResult> {
    const { grants, cooldown, log } = this.#deps;
    if (grant === 'password') {
      const coolingDown = await cooldown.check();
      if (coolingDown !== null) return { ok: false, failure: { kind: 'rejected', error: coolingDown } };
    }
    log.debug('sending a token request', { grant, reason });
    const previous = this.#record;
    const outcome = grant === 'refresh' ? await grants.refresh(previous!.refreshToken!) : await grants.password();
    this.#sent[grant] += 1;
    if (!outcome.ok) {
      if (grant === 'password' && outcome.failure.kind === 'rejected' && isLoginRejection(outcome.failure.error)) {
        await cooldown.rejected(outcome.failure.error);
      }
      return outcome;
    }
    let record: TokenRecord;
    try {
      record = toTokenRecord(outcome.response, { requestedAt: outcome.requestedAt, previous: grant === 'refresh' ? previous : null });
    } catch (error) {
      if (!(error instanceof ApiaxAuthError)) throw error;
      return { ok: false, failure: { kind: grant === 'password' ? 'unusable' : 'transient', error } };
    }
    if (grant === 'password') await cooldown.succeeded();
    // Committed even if close() ran meanwhile (a logout must use the newest refresh token), and even if
    // it arrived too late to serve (its refresh token may be the only valid one now).
    await this.#commit(record, grant, reason);
    this.assertOpen();
    if (isUsable(record, this.#options.clock.now(), this.#policy)) return { ok: true, record };
    const error = new ApiaxAuthError('invalid_response', 'The token arrived too close to its expiry to be used', { retryable: true });
    return { ok: false, failure: { kind: 'transient', error } };
  }

  /** Which grant renews the current record: refresh while its refresh token is alive and worth it. */
  #nextGrant(): ApiaxGrantType {
    return this.#record === null ? 'password' : renewalGrant(this.#record, this.#options.clock.now(), this.#policy);
  }

  async #commit(record: TokenRecord, grant: ApiaxTokenEvent['grant'], reason: TokenReason): Promise<void> {
    this.#adopt(record);
    this.#signedInBefore = true;
    if (grant !== 'store') await this.#deps.store.writeToken(record);
    const summary = { grant, reason, accessTokenExpiresAt: record.accessTokenExpiresAt, refreshTokenExpiresAt: record.refreshTokenExpiresAt };
    this.#deps.log.info(grant === 'store' ? 'adopted a token renewed by another instance' : 'token obtained', summary);
    this.#deps.events.emit('token', { ...summary, at: this.#options.clock.now() });
    if (!this.#closing.signal.aborted) this.#timer.armAt(nextActionAt(record, this.#policy));
  }

  /** Takes `record` as the local copy; its tokens become secrets the redactor knows. */
  #adopt(record: TokenRecord): void {
    this.#deps.redactor.addRotating(record.accessToken);
    this.#deps.redactor.addRotating(record.refreshToken);
    this.#setRecord(record);
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
    this.assertOpen();
    const stored = await this.#deps.store.readToken();
    const current = this.#record;
    if (stored === null || (current !== null && (stored.obtainedAt <= current.obtainedAt || stored.accessToken === current.accessToken))) return null;
    const serves = stored.accessToken !== request.replacing && decide(stored, this.#options.clock.now(), this.#policy).type === 'use';
    if (serves) {
      await this.#commit(stored, 'store', request.reason);
      return stored;
    }
    // Too old to serve, yet newer than ours: the grant must start from it. Another instance may have
    // rotated the refresh token ours came from, and refreshing with that one ends the shared session.
    this.#adopt(stored);
    return null;
  }

  /** Background mode's timer fired: renew when the policy (and any cooldown or pause) allows. */
  #onWake(): void {
    if (this.#closing.signal.aborted || this.#flight !== null) return;
    const record = this.#record;
    const now = this.#options.clock.now();
    const pausedUntil = this.#timer.pausedUntil();
    const retryAt = this.#nextGrant() === 'password' ? this.#deps.cooldown.retryAt() : null;
    if (record !== null && decide(record, now, this.#policy).type === 'use') this.#timer.armAt(nextActionAt(record, this.#policy));
    else if (pausedUntil !== null) this.#timer.armAt(pausedUntil);
    else if (retryAt !== null) {
      // A client that gave up on its password keeps no timer: only a new client logs in again.
      if (Number.isFinite(retryAt)) this.#timer.armAt(retryAt);
    } else {
      this.#renew({ reason: 'background', replacing: undefined, background: true }).catch(() => {
        // Reported by #fly, which also re-arms the timer after a pause.
      });
    }
  }

  #backoff(attempt: number, retryAfterMs?: number): number {
    const settings = { baseDelayMs: this.#options.retryBaseDelayMs, maxDelayMs: this.#options.retryMaxDelayMs };
    return backoffDelay(attempt, settings, Math.random, retryAfterMs);
  }
}
