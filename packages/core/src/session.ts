import { setMaxListeners } from 'node:events';
import { untilAborted } from './clock.js';
import { ApiaxAuthError } from './errors.js';
import type { ApiaxAuthEvents, ApiaxAuthStatus, ApiaxTokenEvent, TypedEmitter } from './events.js';
import { runFlight, type FlightHost, type FlightRequest, type TokenReason } from './flight.js';
import { endKeycloakSession } from './grant-attempt.js';
import type { Grants } from './grants.js';
import type { SafeLogger } from './logging.js';
import type { LoginCooldown } from './login-cooldown.js';
import type { ResolvedOptions } from './options.js';
import { LocalRecord } from './local-record.js';
import { nextActionAt, type PolicySettings } from './policy.js';
import type { Redactor } from './redaction.js';
import { RenewalTimer, wakeAction } from './renewal-timer.js';
import { grantBudgetMs, retryDelayMs } from './retryer.js';
import { statusSnapshot } from './status.js';
import type { GuardedStore } from './store-guard.js';
import type { TokenRecord } from './store.js';
import type { Telemetry } from './telemetry.js';

export interface SessionDependencies {
  options: ResolvedOptions;
  grants: Grants;
  store: GuardedStore;
  cooldown: LoginCooldown;
  events: TypedEmitter<ApiaxAuthEvents>;
  log: SafeLogger;
  redactor: Redactor;
  /** Spans and metrics around each token-endpoint request. */
  telemetry: Telemetry;
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
  /** Aborts retry waits and lock waits on close, and settles every waiting caller with `closed`. */
  readonly #closing = new AbortController();
  /** Aborts token requests on the wire: on close, unless a logout wants the session a login is opening. */
  readonly #abortRequests = new AbortController();

  readonly #local: LocalRecord;
  #flight: Promise<TokenRecord> | null = null;
  #lastError: ApiaxAuthError | null = null;
  readonly #sent = { password: 0, refresh: 0 };

  constructor(dependencies: SessionDependencies) {
    this.#deps = dependencies;
    this.#options = dependencies.options;
    this.#policy = { refreshWindowMs: this.#options.refreshWindowMs, expiryMarginMs: this.#options.expiryMarginMs };
    this.#local = new LocalRecord(this.#options.clock, this.#policy, dependencies.redactor);
    // Every caller waiting for a renewal listens for the close (and stops listening once it settles):
    // a storm of 10,000 callers is 10,000 listeners, not a leak.
    setMaxListeners(0, this.#closing.signal);
    this.#timer = new RenewalTimer(this.#options.clock, this.#options.background, () => this.#onWake());
  }

  /** The local record (the store guard writes it back after an outage). */
  get record(): TokenRecord | null {
    return this.#local.current;
  }

  /** @throws ApiaxAuthError `closed` after {@link close}. */
  assertOpen(): void {
    if (this.#closing.signal.aborted) throw new ApiaxAuthError('closed', 'This apiax-auth client was closed');
  }

  /** A token the policy allows to send now; waits for a grant only when the current one cannot serve. */
  async getAccessToken(forceRefresh = false): Promise<string> {
    this.assertOpen();
    const record = this.#local.current;
    if (forceRefresh) return (await this.#wait({ reason: 'forced', replacing: record?.accessToken, background: false })).accessToken;
    // The warm path: one comparison against the policy's answer cached for this record; no store, no await.
    if (this.#local.servesNow()) return record!.accessToken;
    const action = this.#local.decide();
    if (action.type === 'use') return record!.accessToken;
    if (action.type === 'use-and-refresh' || (action.type === 'password' && action.background)) {
      this.#startBackground(action.type === 'use-and-refresh' ? 'expiring' : 'relogin');
      return record!.accessToken;
    }
    const reason: TokenReason = action.type === 'wait-for-refresh' ? 'expired' : record === null ? 'initial' : 'relogin';
    return (await this.#wait({ reason, replacing: undefined, background: false })).accessToken;
  }

  /**
   * The API answered 401 to `rejectedToken`. Returns a newer token: the current one when it already
   * differs, else the result of one forced renewal shared by every caller that saw the same 401.
   */
  async renewAfterUnauthorized(rejectedToken: string): Promise<string> {
    this.assertOpen();
    const record = this.#local.current;
    if (record !== null && record.accessToken !== rejectedToken) return this.getAccessToken();
    return (await this.#wait({ reason: 'unauthorized', replacing: rejectedToken, background: false })).accessToken;
  }

  /** A caller's wait for a renewal: its outcome, or `closed` the moment the client closes. */
  #wait(request: FlightRequest): Promise<TokenRecord> {
    return untilAborted(
      this.#renew(request),
      this.#closing.signal,
      () => new ApiaxAuthError('closed', 'This apiax-auth client was closed'),
    );
  }

  status(): ApiaxAuthStatus {
    const record = this.#local.current;
    return statusSnapshot({
      closed: this.#closing.signal.aborted,
      record,
      usable: record !== null && this.#local.usable(record),
      renewing: this.#flight !== null,
      lastError: this.#lastError,
      sent: this.#sent,
      store: this.#deps.store.state(),
    });
  }

  /** Stops timers and retries, optionally ends the Keycloak session, releases the store. Idempotent. */
  async close(logout: boolean): Promise<void> {
    if (this.#closing.signal.aborted) return;
    this.#closing.abort();
    this.#timer.clear();
    // Every waiting caller has its `closed` now. A request on the wire is aborted too, unless a logout
    // follows: then it may finish (within requestTimeoutMs), so that logout ends the session it opens.
    if (!logout) this.#abortRequests.abort();
    await this.#flight?.catch(() => undefined);
    this.#abortRequests.abort();
    const refreshToken = this.#local.current?.refreshToken;
    if (logout && refreshToken) {
      await endKeycloakSession(this.#deps, refreshToken);
      await this.#deps.store.deleteToken();
    }
    this.#local.clear();
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
    // During a cooldown a flight that would send the password fails fast, sending nothing. With a shared
    // store the flight runs all the same: another instance may have a token to adopt (one read, no password).
    const alone = !this.#deps.store.reachableByOthers;
    const coolingDown = alone && this.#local.nextGrant() === 'password' ? this.#deps.cooldown.failFast() : null;
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
      const critical = (): Promise<TokenRecord> => runFlight(this.#flightHost(), request);
      const record = await this.#deps.store.withLock(critical, { ttlMs: budgetMs, waitMs: budgetMs, signal: this.#closing.signal });
      this.#lastError = null;
      this.#timer.resume();
      return record;
    } catch (thrown) {
      const error =
        thrown instanceof ApiaxAuthError ? thrown : new ApiaxAuthError('invalid_response', 'Unexpected failure while renewing the token');
      if (this.#deps.cooldown.isFastFailure(error)) this.#lastError = error;
      else if (error.code !== 'closed' && !this.#closing.signal.aborted) this.#failed(request, error);
      throw this.#closing.signal.aborted ? new ApiaxAuthError('closed', 'This apiax-auth client was closed') : error;
    }
  }

  #failed(request: FlightRequest, error: ApiaxAuthError): void {
    this.#lastError = error;
    const message = request.background ? 'background renewal failed; the current token keeps serving' : 'token renewal failed';
    this.#deps.log.error(message, { code: error.code, status: error.status, oauthError: error.oauthError });
    this.#deps.events.emit('error', error);
    const pauseMs = retryDelayMs(this.#options, this.#options.maxRetries + 1);
    if (request.background) this.#timer.pauseFor(pauseMs);
    // Whoever started the flight, background mode tries again later (#onWake heeds pauses and cooldowns).
    this.#timer.armAt(this.#options.clock.now() + pauseMs);
  }

  /** What a flight needs of this session. */
  #flightHost(): FlightHost {
    return {
      ...this.#deps,
      current: () => this.#local.current,
      sent: (grant) => void (this.#sent[grant] += 1),
      commit: (record, grant, reason) => this.#commit(record, grant, reason),
      usable: (record) => this.#local.usable(record),
      assertOpen: () => this.assertOpen(),
      signal: this.#abortRequests.signal,
      closing: this.#closing.signal,
      local: this.#local,
    };
  }

  async #commit(record: TokenRecord, grant: ApiaxTokenEvent['grant'], reason: TokenReason): Promise<void> {
    this.#local.adopt(record, { signedIn: true });
    if (grant !== 'store') await this.#deps.store.writeToken(record);
    const summary = {
      grant,
      reason,
      accessTokenExpiresAt: record.accessTokenExpiresAt,
      refreshTokenExpiresAt: record.refreshTokenExpiresAt,
    };
    this.#deps.log.info(grant === 'store' ? 'adopted a token renewed by another instance' : 'token obtained', summary);
    this.#deps.events.emit('token', { ...summary, at: this.#options.clock.now() });
    if (!this.#closing.signal.aborted) this.#timer.armAt(nextActionAt(record, this.#policy));
  }

  /** Background mode's timer fired: renew when the policy (and any pause or cooldown) allows, else sleep on. */
  #onWake(): void {
    if (this.#closing.signal.aborted || this.#flight !== null) return;
    const record = this.#local.current;
    const serves = record !== null && this.#local.decide().type === 'use';
    const next = wakeAction({
      useUntil: serves ? nextActionAt(record, this.#policy) : null,
      pausedUntil: this.#timer.pausedUntil(),
      cooldownUntil: this.#local.nextGrant() === 'password' ? this.#deps.cooldown.retryAt() : null,
    });
    if (next === 'renew') {
      this.#renew({ reason: 'background', replacing: undefined, background: true }).catch(() => {
        // Reported by #fly, which also re-arms the timer after a pause.
      });
    } else if (next !== null) {
      this.#timer.armAt(next);
    }
  }
}
