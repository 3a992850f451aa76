import type { ApiaxAuthError, ApiaxAuthErrorCode } from './errors.js';
import type { ApiaxHealth, ApiaxStoreState } from './health.js';

/** The two grants that yield tokens: a password login and a refresh. */
export type ApiaxGrantType = 'password' | 'refresh';

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
  grant: ApiaxGrantType | 'store';
  /** Why: the first login, a re-login after the refresh token died, a refresh ahead of expiry, a 401... */
  reason: 'initial' | 'relogin' | 'expiring' | 'expired' | 'forced' | 'unauthorized' | 'background';
  accessTokenExpiresAt: number;
  refreshTokenExpiresAt: number | null;
  at: number;
}

/** Payload of the `retry` event: a transient failure of a grant, about to be retried. */
export interface ApiaxRetryEvent {
  grant: ApiaxGrantType;
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

/**
 * A tiny typed emitter. Unlike Node's `EventEmitter`, an `error` event with no listener is simply
 * dropped (the failure already reached the caller or the log), and a listener that throws cannot
 * break a grant in progress: its exception goes to `onListenerError`.
 */
export class TypedEmitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<(payload: never) => void>>();
  readonly #onListenerError: (event: keyof Events, error: unknown) => void;

  constructor(onListenerError: (event: keyof Events, error: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  /** Subscribes; returns the unsubscribe function (idempotent). */
  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void {
    let listeners = this.#listeners.get(event);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(event, listeners);
    }
    // Wrapped, so subscribing the same function twice gives two independent subscriptions.
    const entry = (payload: never) => listener(payload);
    listeners.add(entry);
    return () => {
      listeners.delete(entry);
    };
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    const listeners = this.#listeners.get(event);
    if (listeners === undefined) return;
    for (const listener of [...listeners]) {
      try {
        (listener as (payload: Events[E]) => void)(payload);
      } catch (error) {
        this.#onListenerError(event, error);
      }
    }
  }
}
