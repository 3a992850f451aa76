import { loadAssertionKey, type ResolvedAssertion } from './assertion.js';
import { systemClock, type ApiaxClock } from './clock.js';
import { invalidConfig } from './errors.js';
import { isLoopbackHost } from './loopback.js';
import { assertKnownAssertionOptions } from './option-names.js';
import type {
  ApiaxAssertionOptions,
  ApiaxAuthEnv,
  ApiaxAuthEnvVariable,
  ApiaxAuthLogger,
  ApiaxAuthNestLikeLogger,
} from './option-types.js';
import type { TokenStore } from './store.js';

/** The readers and validators of single options: each throws `invalid_config` naming its option. */

type Env = ApiaxAuthEnv;

/** The 2FA defaults that the validators need (the rest of the defaults live in options.ts). */
export const DEFAULT_ASSERTION_LIFETIME_SECONDS = 60;

/** Empty variables count as unset (`APIAX_API_KEY=` in a .env file). */
export function fromEnv(env: Env, variable: ApiaxAuthEnvVariable): string | undefined {
  const value = env[variable];
  return value === undefined || value.trim() === '' ? undefined : value;
}

export function optionalString(value: unknown, env: Env, option: string, variable: ApiaxAuthEnvVariable): string | undefined {
  if (value === undefined) return fromEnv(env, variable);
  if (typeof value !== 'string' || value.trim() === '') throw invalidConfig(option, 'must be a non-empty string');
  return value;
}

export function requiredString(value: unknown, env: Env, option: string, variable: ApiaxAuthEnvVariable): string {
  const resolved = optionalString(value, env, option, variable);
  if (resolved === undefined) throw invalidConfig(option, `is required (pass the ${option} option or set ${variable})`);
  return resolved;
}

/** A value sent as an HTTP header must be one a header can carry; the platform's error would quote it. */
export function headerValue(value: string | undefined, option: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    new Headers().set('apikey', value);
  } catch {
    throw invalidConfig(option, 'contains characters an HTTP header cannot carry');
  }
  return value;
}

export function resolveAssertion(value: ApiaxAssertionOptions | undefined, env: Env): ResolvedAssertion | undefined {
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
      lifetimeSeconds: DEFAULT_ASSERTION_LIFETIME_SECONDS,
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
      DEFAULT_ASSERTION_LIFETIME_SECONDS,
  };
}

export function secureUrl(value: string, option: string): URL {
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

export function trimTrailingSlashes(href: string): string {
  return href.replace(/\/+$/, '');
}

export function resolveAllowedOrigins(value: unknown, apiBaseUrl: URL): ReadonlySet<string> {
  const origins = new Set<string>([apiBaseUrl.origin]);
  if (value === undefined) return origins;
  if (!Array.isArray(value)) throw invalidConfig('allowedOrigins', 'must be an array of origins like "https://rule-engine.apiax.io"');
  for (const [index, origin] of value.entries()) {
    if (typeof origin !== 'string') throw invalidConfig(`allowedOrigins[${index}]`, 'must be a string');
    origins.add(secureUrl(origin, `allowedOrigins[${index}]`).origin);
  }
  return origins;
}

export function resolveStore(value: unknown): TokenStore | undefined {
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

export function resolveLogger(value: unknown): ApiaxAuthLogger | ApiaxAuthNestLikeLogger | false | undefined {
  if (value === undefined || value === false) return value;
  const logger = value as Record<string, unknown> | null;
  const has = (method: string) => typeof logger?.[method] === 'function';
  if (logger === null || typeof logger !== 'object' || !has('warn') || !has('error') || !(has('info') || has('log'))) {
    throw invalidConfig('logger', 'must be false or have info (or log), warn and error methods (console, pino, winston, Nest Logger...)');
  }
  return logger as unknown as ApiaxAuthLogger | ApiaxAuthNestLikeLogger;
}

/** The clock, and its `now` as a function that can be passed around unbound. */
export function resolveTime(clock: unknown, now: (() => number) | undefined): { clock: ApiaxClock; now: () => number } {
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

export function functionOption<F>(value: F | undefined, option: string): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw invalidConfig(option, 'must be a function');
  return value;
}

export function booleanOption(value: unknown, option: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalidConfig(option, 'must be true or false');
  return value;
}

export interface NumberBounds {
  min: number;
  max?: number;
  integer?: boolean;
}

export function numberOption(value: unknown, option: string, bounds: NumberBounds): number | undefined {
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
