// CONTRACT SHELL: the core helper replaces the bodies; the public names and shapes stay.
import { ApiaxAuthError, type ApiaxAuthErrorCode } from './errors.js';
import type { ApiaxAuthOptions } from './options.js';

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

/** The client: one per account per process. Create it with {@link createApiaxAuth}. */
export class ApiaxAuth {
  constructor(options: ApiaxAuthOptions = {}) {
    void options;
  }
  /** A valid access token, from the cache when possible. */
  async getAccessToken(options: GetAccessTokenOptions = {}): Promise<string> {
    void options;
    throw new ApiaxAuthError('closed', 'not implemented');
  }
  /** `fetch` with the token: relative URLs resolve against `apiBaseUrl`; other origins are refused. */
  async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    void input; void init;
    throw new ApiaxAuthError('closed', 'not implemented');
  }
  status(): ApiaxAuthStatus {
    throw new ApiaxAuthError('closed', 'not implemented');
  }
  /** Subscribes; returns the unsubscribe function. */
  on<E extends keyof ApiaxAuthEvents>(event: E, listener: (payload: ApiaxAuthEvents[E]) => void): () => void {
    void event; void listener;
    return () => {};
  }
  async close(options: CloseOptions = {}): Promise<void> {
    void options;
  }
}

/** Creates a client; options fall back to `APIAX_*` environment variables. Sends nothing until first use. */
export function createApiaxAuth(options: ApiaxAuthOptions = {}): ApiaxAuth {
  return new ApiaxAuth(options);
}
