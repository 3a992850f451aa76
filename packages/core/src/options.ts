import type { KeyObject } from 'node:crypto';
import { loadAssertionKey, type ResolvedAssertion } from './assertion.js';
import { systemClock, type ApiaxClock } from './clock.js';
import { invalidConfig } from './errors.js';
import { assertKnownAssertionOptions, assertKnownOptions } from './option-names.js';
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

/** Production defaults (APIAX.md). */
export const DEFAULT_ISSUER = 'https://auth.apiax.io/auth/realms/apiax';
export const DEFAULT_API_BASE_URL = 'https://rule-engine.apiax.io';
export const DEFAULT_CLIENT_ID = 'integration-api';

/** Tuning defaults; documented in the README's options table. */
export const DEFAULTS = {
  expiryMarginMs: 10_000,
  requestTimeoutMs: 10_000,
  maxRetries: 4,
  loginCooldownMs: 5 * 60_000,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 30_000,
  assertionLifetimeSeconds: 60,
} as const;

/** Every option validated and defaulted. Holds secrets: never log it. */
export interface ResolvedOptions {
  username: string;
  password: string;
  clientId: string;
  issuer: string;
  tokenEndpoint: string;
  logoutEndpoint: string;
  apiBaseUrl: URL;
  apiKey: string | undefined;
  allowedOrigins: ReadonlySet<string>;
  assertion: ResolvedAssertion | undefined;
  store: TokenStore | undefined;
  fetch: typeof globalThis.fetch;
  clock: ApiaxClock;
  /** The clock's `now`, callable unbound. */
  now: () => number;
  /** `undefined`: the default console lines; `false`: silent. */
  logger: ApiaxAuthLogger | ApiaxAuthNestLikeLogger | false | undefined;
  /** `undefined`: the default, which depends on each token's lifetime (see policy.ts). */
  refreshWindowMs: number | undefined;
  expiryMarginMs: number;
  requestTimeoutMs: number;
  maxRetries: number;
  loginCooldownMs: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  background: boolean;
  telemetry: boolean;
}

type Env = ApiaxAuthEnv;

/**
 * Reads options, then `APIAX_*` variables, then defaults; validates everything. Throws
 * `invalid_config` naming the option (and its variable). Sends nothing.
 */
export function resolveOptions(options: ApiaxAuthOptions = {}): ResolvedOptions {
  if (options === null || typeof options !== 'object') throw invalidConfig('options', 'must be an object');
  assertKnownOptions(options);
  const env: Env = options.env ?? (typeof process === 'undefined' ? {} : process.env);

  const username = requiredString(options.username, env, 'username', 'APIAX_USERNAME');
  const password = requiredString(options.password, env, 'password', 'APIAX_PASSWORD');
  const assertion = resolveAssertion(options.assertion, env);

  const issuer = trimTrailingSlashes(
    secureUrl(optionalString(options.issuer, env, 'issuer', 'APIAX_ISSUER') ?? DEFAULT_ISSUER, 'issuer (APIAX_ISSUER)').href,
  );
  const tokenEndpoint = secureUrl(
    optionalString(options.tokenEndpoint, env, 'tokenEndpoint', 'APIAX_TOKEN_URL') ?? `${issuer}/protocol/openid-connect/token`,
    'tokenEndpoint (APIAX_TOKEN_URL)',
  ).href;
  const apiBaseUrl = secureUrl(
    optionalString(options.apiBaseUrl, env, 'apiBaseUrl', 'APIAX_API_URL') ?? DEFAULT_API_BASE_URL,
    'apiBaseUrl (APIAX_API_URL)',
  );

  const { clock, now } = resolveTime(options.clock, options.now);

  return {
    username,
    password,
    clientId: optionalString(options.clientId, env, 'clientId', 'APIAX_CLIENT_ID') ?? assertion?.subject ?? DEFAULT_CLIENT_ID,
    issuer,
    tokenEndpoint,
    logoutEndpoint: `${issuer}/protocol/openid-connect/logout`,
    apiBaseUrl,
    apiKey: headerValue(optionalString(options.apiKey, env, 'apiKey', 'APIAX_API_KEY'), 'apiKey (APIAX_API_KEY)'),
    allowedOrigins: resolveAllowedOrigins(options.allowedOrigins, apiBaseUrl),
    assertion,
    store: resolveStore(options.store),
    // Looked up per call, so tools that patch globalThis.fetch later (msw, undici mocks) still apply.
    fetch: functionOption(options.fetch, 'fetch') ?? ((input, init) => globalThis.fetch(input, init)),
    clock,
    now,
    logger: resolveLogger(options.logger),
    refreshWindowMs: numberOption(options.refreshWindowMs, 'refreshWindowMs', { min: 0 }),
    expiryMarginMs: numberOption(options.expiryMarginMs, 'expiryMarginMs', { min: 0 }) ?? DEFAULTS.expiryMarginMs,
    requestTimeoutMs: numberOption(options.requestTimeoutMs, 'requestTimeoutMs', { min: 1, max: 2 ** 31 - 1 }) ?? DEFAULTS.requestTimeoutMs,
    maxRetries: numberOption(options.maxRetries, 'maxRetries', { min: 0, max: 100, integer: true }) ?? DEFAULTS.maxRetries,
    loginCooldownMs: numberOption(options.loginCooldownMs, 'loginCooldownMs', { min: 0 }) ?? DEFAULTS.loginCooldownMs,
    retryBaseDelayMs: numberOption(options.retryBaseDelayMs, 'retryBaseDelayMs', { min: 0, max: 2 ** 31 - 1 }) ?? DEFAULTS.retryBaseDelayMs,
    retryMaxDelayMs: numberOption(options.retryMaxDelayMs, 'retryMaxDelayMs', { min: 0, max: 2 ** 31 - 1 }) ?? DEFAULTS.retryMaxDelayMs,
    background: booleanOption(options.background, 'background') ?? false,
    telemetry: booleanOption(options.telemetry, 'telemetry') ?? true,
  };
}

/** Empty variables count as unset (`APIAX_API_KEY=` in a .env file). */
function fromEnv(env: Env, variable: ApiaxAuthEnvVariable): string | undefined {
  const value = env[variable];
  return value === undefined || value.trim() === '' ? undefined : value;
}

function optionalString(value: unknown, env: Env, option: string, variable: ApiaxAuthEnvVariable): string | undefined {
  if (value === undefined) return fromEnv(env, variable);
  if (typeof value !== 'string' || value.trim() === '') throw invalidConfig(option, 'must be a non-empty string');
  return value;
}

function requiredString(value: unknown, env: Env, option: string, variable: ApiaxAuthEnvVariable): string {
  const resolved = optionalString(value, env, option, variable);
  if (resolved === undefined) throw invalidConfig(option, `is required (pass the ${option} option or set ${variable})`);
  return resolved;
}

/** A value sent as an HTTP header must be one a header can carry; the platform's error would quote it. */
function headerValue(value: string | undefined, option: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    new Headers().set('apikey', value);
  } catch {
    throw invalidConfig(option, 'contains characters an HTTP header cannot carry');
  }
  return value;
}

function resolveAssertion(value: ApiaxAssertionOptions | undefined, env: Env): ResolvedAssertion | undefined {
  if (value === undefined) {
    const pem = fromEnv(env, 'APIAX_ASSERTION_KEY');
    const subject = fromEnv(env, 'APIAX_ASSERTION_SUBJECT');
    if (pem === undefined && subject === undefined) return undefined;
    if (pem === undefined)
      throw invalidConfig('assertion.privateKey (APIAX_ASSERTION_KEY)', 'is required when APIAX_ASSERTION_SUBJECT is set');
    if (subject === undefined)
      throw invalidConfig('assertion.subject (APIAX_ASSERTION_SUBJECT)', 'is required when APIAX_ASSERTION_KEY is set');
    return {
      privateKey: loadAssertionKey(pem, 'assertion.privateKey (APIAX_ASSERTION_KEY)'),
      subject,
      issuer: fromEnv(env, 'APIAX_ASSERTION_ISSUER') ?? subject,
      lifetimeSeconds: DEFAULTS.assertionLifetimeSeconds,
    };
  }
  if (value === null || typeof value !== 'object')
    throw invalidConfig('assertion', 'must be an object { privateKey, subject, issuer?, lifetimeSeconds? }');
  assertKnownAssertionOptions(value);
  if (typeof value.subject !== 'string' || value.subject.trim() === '')
    throw invalidConfig('assertion.subject', 'must be a non-empty string');
  if (value.issuer !== undefined && (typeof value.issuer !== 'string' || value.issuer.trim() === '')) {
    throw invalidConfig('assertion.issuer', 'must be a non-empty string');
  }
  return {
    privateKey: loadAssertionKey(value.privateKey, 'assertion.privateKey'),
    subject: value.subject,
    issuer: value.issuer ?? value.subject,
    lifetimeSeconds:
      numberOption(value.lifetimeSeconds, 'assertion.lifetimeSeconds', { min: 1, max: 3600, integer: true }) ??
      DEFAULTS.assertionLifetimeSeconds,
  };
}

/**
 * Loopback hosts, where plain http is acceptable (local fakes, sidecars): `localhost`, 127.0.0.0/8,
 * `::1`. Not `*.localhost`: nothing guarantees such a name resolves to loopback (only some resolvers
 * do it), and plain http to a host elsewhere would send the password in clear.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function secureUrl(value: string, option: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidConfig(option, 'is not a valid absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidConfig(option, 'must be an https URL');
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw invalidConfig(option, `must use https (http is only accepted on loopback hosts, not ${url.hostname})`);
  }
  if (url.username !== '' || url.password !== '') throw invalidConfig(option, 'must not embed credentials');
  return url;
}

function trimTrailingSlashes(href: string): string {
  return href.replace(/\/+$/, '');
}

function resolveAllowedOrigins(value: unknown, apiBaseUrl: URL): ReadonlySet<string> {
  const origins = new Set<string>([apiBaseUrl.origin]);
  if (value === undefined) return origins;
  if (!Array.isArray(value)) throw invalidConfig('allowedOrigins', 'must be an array of origins like "https://rule-engine.apiax.io"');
  for (const [index, origin] of value.entries()) {
    if (typeof origin !== 'string') throw invalidConfig(`allowedOrigins[${index}]`, 'must be a string');
    origins.add(secureUrl(origin, `allowedOrigins[${index}]`).origin);
  }
  return origins;
}

function resolveStore(value: unknown): TokenStore | undefined {
  if (value === undefined) return undefined;
  const store = value as TokenStore;
  const complete =
    store !== null &&
    typeof store === 'object' &&
    typeof store.get === 'function' &&
    typeof store.set === 'function' &&
    typeof store.delete === 'function' &&
    (store.withLock === undefined || typeof store.withLock === 'function');
  if (!complete) throw invalidConfig('store', 'must implement TokenStore: get, set, delete (and optionally withLock, close)');
  return store;
}

function resolveLogger(value: unknown): ApiaxAuthLogger | ApiaxAuthNestLikeLogger | false | undefined {
  if (value === undefined || value === false) return value;
  const logger = value as Record<string, unknown> | null;
  const has = (method: string) => typeof logger?.[method] === 'function';
  if (logger === null || typeof logger !== 'object' || !has('warn') || !has('error') || !(has('info') || has('log'))) {
    throw invalidConfig('logger', 'must be false or have info (or log), warn and error methods (console, pino, winston, Nest Logger...)');
  }
  return logger as unknown as ApiaxAuthLogger | ApiaxAuthNestLikeLogger;
}

/** The clock, and its `now` as a function that can be passed around unbound. */
function resolveTime(clock: unknown, now: (() => number) | undefined): { clock: ApiaxClock; now: () => number } {
  if (clock === undefined) {
    const source = functionOption(now, 'now') ?? Date.now;
    return { clock: systemClock(source), now: source };
  }
  if (now !== undefined) throw invalidConfig('clock', 'and now are exclusive: pass the clock alone (its now() is used)');
  const candidate = clock as ApiaxClock;
  const complete =
    candidate !== null &&
    typeof candidate === 'object' &&
    typeof candidate.now === 'function' &&
    typeof candidate.setTimeout === 'function' &&
    typeof candidate.clearTimeout === 'function';
  if (!complete) throw invalidConfig('clock', 'must have now(), setTimeout(callback, ms) and clearTimeout(handle)');
  return { clock: candidate, now: () => candidate.now() };
}

function functionOption<F>(value: F | undefined, option: string): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw invalidConfig(option, 'must be a function');
  return value;
}

function booleanOption(value: unknown, option: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalidConfig(option, 'must be true or false');
  return value;
}

interface NumberBounds {
  min: number;
  max?: number;
  integer?: boolean;
}

function numberOption(value: unknown, option: string, bounds: NumberBounds): number | undefined {
  if (value === undefined) return undefined;
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  const valid =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= bounds.min &&
    value <= max &&
    (!bounds.integer || Number.isInteger(value));
  if (!valid) {
    const kind = bounds.integer ? 'an integer' : 'a number';
    throw invalidConfig(option, `must be ${kind} between ${bounds.min} and ${max}`);
  }
  return value;
}
