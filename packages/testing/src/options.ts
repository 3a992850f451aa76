import type { FakeApiaxOptions, FakeUser } from './types.js';

/** Options with every default applied. */
export interface ResolvedOptions {
  users: FakeUser[];
  clientId: string;
  accessTokenLifetimeSeconds: number;
  ssoSessionMaxSeconds: number;
  ssoSessionIdleSeconds: number;
  rotateRefreshTokens: boolean;
  directAccessGrantsEnabled: boolean;
  maxFailures: number;
  apiKeys: string[] | undefined;
  tokenLatencyMs: number;
  now: () => number;
  host: string;
  authPort: number;
  apiPort: number;
}

/** The user the fake has when none are configured. */
export const DEFAULT_USER: FakeUser = { username: 'demo', password: 'demo' };

/** Applies defaults and refuses bad values with a `TypeError` naming the option. */
export function resolveOptions(options: FakeApiaxOptions = {}): ResolvedOptions {
  const users = options.users ?? [DEFAULT_USER];
  if (!Array.isArray(users) || users.length === 0) throw new TypeError('users must be a non-empty array');
  const seen = new Set<string>();
  users.forEach((user, index) => {
    if (typeof user?.username !== 'string' || user.username === '') {
      throw new TypeError(`users[${index}].username must be a non-empty string`);
    }
    if (typeof user.password !== 'string') throw new TypeError(`users[${index}].password must be a string`);
    if (seen.has(user.username)) throw new TypeError(`users[${index}].username "${user.username}" is duplicated`);
    seen.add(user.username);
  });
  const bruteForce = options.bruteForce ?? { maxFailures: 5 };
  if (bruteForce !== false) positiveInteger(bruteForce.maxFailures, 'bruteForce.maxFailures');
  if (options.apiKeys !== undefined) {
    if (!Array.isArray(options.apiKeys) || options.apiKeys.some((key) => typeof key !== 'string' || key === '')) {
      throw new TypeError('apiKeys must be an array of non-empty strings');
    }
  }
  if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('now must be a function');
  return {
    users,
    clientId: nonEmptyString(options.clientId ?? 'integration-api', 'clientId'),
    accessTokenLifetimeSeconds: positiveInteger(options.accessTokenLifetimeSeconds ?? 1800, 'accessTokenLifetimeSeconds'),
    ssoSessionMaxSeconds: positiveInteger(options.ssoSessionMaxSeconds ?? 1_209_600, 'ssoSessionMaxSeconds'),
    ssoSessionIdleSeconds: positiveInteger(options.ssoSessionIdleSeconds ?? 1_209_600, 'ssoSessionIdleSeconds'),
    rotateRefreshTokens: options.rotateRefreshTokens ?? false,
    directAccessGrantsEnabled: options.directAccessGrantsEnabled ?? true,
    maxFailures: bruteForce === false ? Number.POSITIVE_INFINITY : bruteForce.maxFailures,
    apiKeys: options.apiKeys,
    tokenLatencyMs: nonNegative(options.tokenLatencyMs ?? 0, 'tokenLatencyMs'),
    now: options.now ?? Date.now,
    host: nonEmptyString(options.host ?? '127.0.0.1', 'host'),
    authPort: port(options.authPort ?? 0, 'authPort'),
    apiPort: port(options.apiPort ?? 0, 'apiPort'),
  };
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function nonNegative(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${name} must be a non-negative number, got ${String(value)}`);
  }
  return value;
}

function port(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new TypeError(`${name} must be a port number (0 for any free port), got ${String(value)}`);
  }
  return value;
}

function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`);
  return value;
}
