import type { KeyObject, JsonWebKey } from 'node:crypto';
import type { TokenStore } from './store.js';

/** Anything with the four levels: `console`, pino, winston... */
export interface ApiaxAuthLogger {
  debug(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/** 2FA: every token request carries a fresh RS256 client assertion signed with this key. */
export interface ApiaxAssertionOptions {
  /** The RS256 private key: a PEM string (PKCS#8 or PKCS#1), a `KeyObject` or a private JWK. */
  privateKey: string | KeyObject | JsonWebKey;
  /** The assertion's `sub` (given by Apiax support); it also identifies the client. */
  subject: string;
  /** The assertion's `iss`; defaults to `subject`. */
  issuer?: string;
  /** Seconds until the assertion's `exp`; default 60. */
  lifetimeSeconds?: number;
}

/** Options of {@link createApiaxAuth}. Each falls back to its `APIAX_*` environment variable, then to the default. */
export interface ApiaxAuthOptions {
  /** `APIAX_USERNAME`; required. */
  username?: string;
  /** `APIAX_PASSWORD`; required. */
  password?: string;
  /** `APIAX_CLIENT_ID`; default `integration-api` (2FA: the assertion subject). */
  clientId?: string;
  /** `APIAX_ISSUER`; default `https://auth.apiax.io/auth/realms/apiax`. */
  issuer?: string;
  /** `APIAX_TOKEN_URL`; default `{issuer}/protocol/openid-connect/token`. */
  tokenEndpoint?: string;
  /** `APIAX_API_URL`; default `https://rule-engine.apiax.io`. */
  apiBaseUrl?: string;
  /** `APIAX_API_KEY`; when set, sent as the `Apikey` header. */
  apiKey?: string;
  /** The only origins that ever receive the token; default: the origin of `apiBaseUrl`. */
  allowedOrigins?: string[];
  /** `APIAX_ASSERTION_KEY` (PEM), `APIAX_ASSERTION_SUBJECT`, `APIAX_ASSERTION_ISSUER`; when set, logins are 2FA. */
  assertion?: ApiaxAssertionOptions;
  /** Where token records live; default an in-memory store. */
  store?: TokenStore;
  /** Used for the token endpoint and the API; default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
  /** The clock, epoch ms; default `Date.now`. */
  now?: () => number;
  /** Silent by default. */
  logger?: ApiaxAuthLogger;
  /**
   * Refresh this long before the access token expires, while it keeps serving (ms).
   * Default: the larger of 60 s and a sixth of the token's lifetime (5 min for 30-min tokens).
   */
  refreshWindowMs?: number;
  /** Never send a token with less than this left (ms); default 10 s (clock skew and network time). */
  expiryMarginMs?: number;
  /** Timeout of one token request (ms); default 10 s. */
  requestTimeoutMs?: number;
  /** Transient failures of one grant are retried this many times, with backoff and jitter; default 4. */
  maxRetries?: number;
  /** After a login is rejected, calls fail fast for this long instead of sending the password again (ms); default 5 min. */
  loginCooldownMs?: number;
  /** Keep the session warm with `unref`'d timers, without traffic; default false. */
  background?: boolean;
  /** Environment to read `APIAX_*` from; default `process.env`. */
  env?: Record<string, string | undefined>;
}
