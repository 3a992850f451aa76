import type { KeyObject } from 'node:crypto';
import type { ApiaxClock } from './clock.js';
import type { TokenStore } from './store.js';

/**
 * A logger: `console`, pino, winston, or any object with the four levels. The argument order is
 * detected (pino's `(details, message)`; see the README), so structured details survive with each.
 */
export interface ApiaxAuthLogger {
  debug(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/** Nest's `Logger` / `LoggerService`: `log` where others have `info`, a context string second. */
export interface ApiaxAuthNestLikeLogger {
  log(message: string, context?: string): void;
  warn(message: string, context?: string): void;
  error(message: string, context?: string): void;
  debug?(message: string, context?: string): void;
}

/**
 * A private JSON Web Key, as `keyObject.export({ format: 'jwk' })` or a key file gives it. Declared here
 * rather than taken from `node:crypto`, whose `JsonWebKey` export newer `@types/node` removed.
 */
export interface ApiaxPrivateJwk {
  kty?: string | undefined;
  n?: string | undefined;
  e?: string | undefined;
  d?: string | undefined;
  p?: string | undefined;
  q?: string | undefined;
  dp?: string | undefined;
  dq?: string | undefined;
  qi?: string | undefined;
  [parameter: string]: unknown;
}

/** 2FA: every token request carries a fresh RS256 client assertion signed with this key. */
export interface ApiaxAssertionOptions {
  /** The RS256 private key: a PEM string (PKCS#8 or PKCS#1), a `KeyObject` or a private JWK. */
  privateKey: string | KeyObject | ApiaxPrivateJwk;
  /** The assertion's `sub` (given by Apiax support); it also identifies the client. */
  subject: string;
  /** The assertion's `iss`; defaults to `subject`. */
  issuer?: string | undefined;
  /** Seconds until the assertion's `exp`; default 60. */
  lifetimeSeconds?: number | undefined;
}

/** Options of {@link createApiaxAuth}. Each falls back to its `APIAX_*` environment variable, then to the default. */
export interface ApiaxAuthOptions {
  /** `APIAX_USERNAME`; required. */
  username?: string | undefined;
  /** `APIAX_PASSWORD`; required. */
  password?: string | undefined;
  /** `APIAX_CLIENT_ID`; default `integration-api` (2FA: the assertion subject). */
  clientId?: string | undefined;
  /** `APIAX_ISSUER`; default `https://auth.apiax.io/auth/realms/apiax`. */
  issuer?: string | undefined;
  /** `APIAX_TOKEN_URL`; default `{issuer}/protocol/openid-connect/token`. */
  tokenEndpoint?: string | undefined;
  /** `APIAX_API_URL`; default `https://rule-engine.apiax.io`. */
  apiBaseUrl?: string | undefined;
  /** `APIAX_API_KEY`; when set, sent as the `Apikey` header. */
  apiKey?: string | undefined;
  /** The only origins that ever receive the token; default: the origin of `apiBaseUrl`. */
  allowedOrigins?: string[] | undefined;
  /** `APIAX_ASSERTION_KEY` (PEM), `APIAX_ASSERTION_SUBJECT`, `APIAX_ASSERTION_ISSUER`; when set, logins are 2FA. */
  assertion?: ApiaxAssertionOptions | undefined;
  /** Where token records live; default an in-memory store. */
  store?: TokenStore | undefined;
  /** Used for the token endpoint and the API; default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch | undefined;
  /** The current time, epoch ms; default `Date.now`. A shorthand for a `clock` with real timers. */
  now?: (() => number) | undefined;
  /**
   * Time with its timers: every expiry decision, renewal timer and retry wait of the client (and of its
   * default store) follows it, so moving it moves the client without real waits. Default: the system clock.
   * Give `clock` or `now`, not both.
   */
  clock?: ApiaxClock | undefined;
  /** Default: `warn` and `error` lines to the console; `false`: silent. */
  logger?: ApiaxAuthLogger | ApiaxAuthNestLikeLogger | false | undefined;
  /**
   * Refresh this long before the access token expires, while it keeps serving (ms).
   * Default: the larger of 60 s and a sixth of the token's lifetime (5 min for 30-min tokens).
   */
  refreshWindowMs?: number | undefined;
  /** Never send a token with less than this left (ms); default 10 s (clock skew and network time). */
  expiryMarginMs?: number | undefined;
  /** Timeout of one token request (ms); default 10 s. */
  requestTimeoutMs?: number | undefined;
  /** Transient failures of one grant are retried this many times, with backoff and jitter; default 4. */
  maxRetries?: number | undefined;
  /** After a login is rejected, calls fail fast for this long instead of sending the password again (ms); default 5 min. */
  loginCooldownMs?: number | undefined;
  /** First delay of the retry backoff (ms); it doubles per attempt, with jitter; default 500. */
  retryBaseDelayMs?: number | undefined;
  /** Longest delay between two retries (ms); default 30 s. */
  retryMaxDelayMs?: number | undefined;
  /** Keep the session warm with `unref`'d timers, without traffic; default false. */
  background?: boolean | undefined;
  /**
   * Spans and metrics through the app's `@opentelemetry/api` (an optional peer dependency; silent
   * unless the app registers an SDK); default true. `false` turns both off.
   */
  telemetry?: boolean | undefined;
  /** Environment to read `APIAX_*` from; default `process.env`. Accepts `process.env`, a plain object, or a fake's `env`. */
  env?: ApiaxAuthEnv | undefined;
}

/** The variables read from the environment. */
export type ApiaxAuthEnvVariable =
  | 'APIAX_USERNAME'
  | 'APIAX_PASSWORD'
  | 'APIAX_CLIENT_ID'
  | 'APIAX_ISSUER'
  | 'APIAX_TOKEN_URL'
  | 'APIAX_API_URL'
  | 'APIAX_API_KEY'
  | 'APIAX_ASSERTION_KEY'
  | 'APIAX_ASSERTION_SUBJECT'
  | 'APIAX_ASSERTION_ISSUER';

/**
 * An environment: `process.env`, any object with `APIAX_*` keys (an interface without an index
 * signature, such as the fake's `env`, fits too).
 */
export type ApiaxAuthEnv = { readonly [variable in ApiaxAuthEnvVariable]?: string | undefined };
