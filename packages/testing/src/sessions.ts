import { randomBytes, randomUUID } from 'node:crypto';
import { keycloakErrors, type KeycloakError } from './keycloak-errors.js';

/** Session lifetimes and rotation, as the realm settings name them. */
export interface SessionSettings {
  accessTokenLifetimeSeconds: number;
  ssoSessionMaxSeconds: number;
  ssoSessionIdleSeconds: number;
  rotateRefreshTokens: boolean;
}

/** A Keycloak user session (with its single client session folded in). */
export interface Session {
  readonly id: string;
  readonly username: string;
  /** The client the session was opened by: the 1FA client id, or the 2FA assertion subject. */
  readonly clientId: string;
  /** Password login time, epoch ms: SSO Session Max counts from here and is never reset. */
  readonly startedAt: number;
  /** Last login or refresh, epoch ms: SSO Session Idle counts from here. */
  lastRefreshAt: number;
  /** Ended by logout, admin, revocation or rotated-token reuse. */
  ended: boolean;
  /** With rotation: the only refresh token of this session that may still be used. */
  currentRefreshToken: string;
}

interface RefreshTokenRecord {
  readonly sessionId: string;
  readonly clientId: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** What a grant hands back: the numbers of the token response, the session it belongs to. */
export interface IssuedTokens {
  readonly session: Session;
  readonly refreshToken: string;
  /** Seconds, capped by what is left of SSO Session Max. */
  readonly expiresIn: number;
  /** Seconds until the refresh token dies: counts down from the login, never reset by a refresh. */
  readonly refreshExpiresIn: number;
}

/** The outcome of presenting a refresh token. */
export type RefreshLookup = { ok: true; session: Session } | { ok: false; error: KeycloakError; session?: Session };

/**
 * Keycloak's session model, pure over the time it is given: sessions, their refresh tokens, SSO Session Max and
 * Idle, and refresh-token rotation. No I/O and no clock of its own, so every rule can be driven by a test clock.
 */
export class SessionRegistry {
  readonly #settings: SessionSettings;
  readonly #sessions = new Map<string, Session>();
  readonly #refreshTokens = new Map<string, RefreshTokenRecord>();

  constructor(settings: SessionSettings) {
    this.#settings = settings;
  }

  /** Opens a session for a successful password login and issues its first refresh token. */
  login(username: string, clientId: string, nowMs: number): IssuedTokens {
    this.#prune(nowMs);
    const session: Session = {
      id: randomUUID(),
      username,
      clientId,
      startedAt: nowMs,
      lastRefreshAt: nowMs,
      ended: false,
      currentRefreshToken: '',
    };
    this.#sessions.set(session.id, session);
    return this.#issue(session, nowMs);
  }

  /**
   * Validates a refresh token for `clientId`, in Keycloak's order: known token → not expired → same client →
   * session alive → (with rotation) not a reused, rotated token. Reuse of a rotated token ends the session.
   */
  checkRefreshToken(refreshToken: string, clientId: string, nowMs: number): RefreshLookup {
    const record = this.#refreshTokens.get(refreshToken);
    if (!record) return { ok: false, error: keycloakErrors.invalidRefreshToken };
    const session = this.#sessions.get(record.sessionId);
    if (nowMs >= record.expiresAt) return { ok: false, error: keycloakErrors.refreshTokenExpired, session };
    if (record.clientId !== clientId) {
      return { ok: false, error: keycloakErrors.refreshTokenOfAnotherClient, session };
    }
    if (!session || !this.isActive(session, nowMs)) {
      return { ok: false, error: keycloakErrors.sessionNotActive, session };
    }
    if (this.#settings.rotateRefreshTokens && session.currentRefreshToken !== refreshToken) {
      this.#end(session);
      return { ok: false, error: keycloakErrors.refreshTokenReused, session };
    }
    return { ok: true, session };
  }

  /** Refreshes a session that {@link checkRefreshToken} accepted: a new refresh token, idle timer restarted. */
  refresh(session: Session, nowMs: number): IssuedTokens {
    session.lastRefreshAt = nowMs;
    return this.#issue(session, nowMs);
  }

  /** The session a refresh token belongs to, without any validity check (logout, revocation, stats). */
  sessionOfRefreshToken(refreshToken: string): { session: Session | undefined; clientId: string } | undefined {
    const record = this.#refreshTokens.get(refreshToken);
    if (!record) return undefined;
    return { session: this.#sessions.get(record.sessionId), clientId: record.clientId };
  }

  /** A session by id (the access token's `sid`). */
  get(sessionId: string): Session | undefined {
    return this.#sessions.get(sessionId);
  }

  /** Alive: not ended, and neither SSO Session Max nor Idle has run out at `nowMs`. */
  isActive(session: Session, nowMs: number): boolean {
    return !session.ended && nowMs < this.#sessionEndsAt(session);
  }

  /** Ends one session (logout, revocation). */
  end(session: Session): void {
    this.#end(session);
  }

  /** Ends every session of `username`, or every session when `username` is omitted. Returns how many ended. */
  endSessions(username?: string): number {
    let ended = 0;
    for (const session of this.#sessions.values()) {
      if (!session.ended && (username === undefined || session.username === username)) {
        this.#end(session);
        ended += 1;
      }
    }
    return ended;
  }

  /** How many sessions are alive at `nowMs`. */
  countActive(nowMs: number): number {
    let active = 0;
    for (const session of this.#sessions.values()) if (this.isActive(session, nowMs)) active += 1;
    return active;
  }

  #issue(session: Session, nowMs: number): IssuedTokens {
    const { accessTokenLifetimeSeconds, ssoSessionIdleSeconds } = this.#settings;
    const maxEndsAt = this.#maxEndsAt(session);
    // Keycloak: a refresh token lives until the idle timeout, but never past SSO Session Max.
    const refreshExpiresAt = Math.min(nowMs + ssoSessionIdleSeconds * 1000, maxEndsAt);
    const refreshToken = randomBytes(32).toString('base64url');
    this.#refreshTokens.set(refreshToken, {
      sessionId: session.id,
      clientId: session.clientId,
      issuedAt: nowMs,
      expiresAt: refreshExpiresAt,
    });
    session.currentRefreshToken = refreshToken;
    return {
      session,
      refreshToken,
      expiresIn: Math.max(0, Math.min(accessTokenLifetimeSeconds, Math.floor((maxEndsAt - nowMs) / 1000))),
      refreshExpiresIn: Math.max(0, Math.floor((refreshExpiresAt - nowMs) / 1000)),
    };
  }

  #maxEndsAt(session: Session): number {
    return session.startedAt + this.#settings.ssoSessionMaxSeconds * 1000;
  }

  #sessionEndsAt(session: Session): number {
    return Math.min(this.#maxEndsAt(session), session.lastRefreshAt + this.#settings.ssoSessionIdleSeconds * 1000);
  }

  #end(session: Session): void {
    session.ended = true;
  }

  /** Forgets refresh tokens (and sessions) long dead, so a long-running fake does not grow without bound. */
  #prune(nowMs: number): void {
    // Keep dead entries a day so late callers still get the precise error ("Token is not active", not "Invalid").
    const horizon = nowMs - 86_400_000;
    for (const [token, record] of this.#refreshTokens) {
      if (record.expiresAt < horizon) this.#refreshTokens.delete(token);
    }
    for (const [id, session] of this.#sessions) {
      if (this.#sessionEndsAt(session) < horizon) this.#sessions.delete(id);
    }
  }
}
