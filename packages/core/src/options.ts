import type { ResolvedAssertion } from './assertion.js';
import type { ApiaxClock } from './clock.js';
import { invalidConfig } from './errors.js';
import { assertKnownOptions } from './option-names.js';
import type { ApiaxAuthEnv, ApiaxAuthLogger, ApiaxAuthNestLikeLogger, ApiaxAuthOptions } from './option-types.js';
import {
  booleanOption,
  DEFAULT_ASSERTION_LIFETIME_SECONDS,
  functionOption,
  headerValue,
  numberOption,
  optionalString,
  requiredString,
  resolveAllowedOrigins,
  resolveAssertion,
  resolveLogger,
  resolveStore,
  resolveTime,
  secureUrl,
  trimTrailingSlashes,
} from './option-values.js';
import type { TokenStore } from './store.js';

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
  assertionLifetimeSeconds: DEFAULT_ASSERTION_LIFETIME_SECONDS,
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
