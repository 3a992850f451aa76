import { createHash, KeyObject } from 'node:crypto';
import type { ApiaxAuthOptions } from '@apiax-auth/core';

/** Core reads every option it is not given from these variables, so they are part of a client's identity. */
const ENV_PREFIX = 'APIAX_';

/**
 * The registry key of a client: a SHA-256 of a stable serialization of its options and of the
 * `APIAX_*` variables core will read. Two calls that would configure the same account get the same
 * key, whatever the property order; the password and key material go into the hash only, never
 * into the key itself.
 *
 * Functions and class instances (`fetch`, `now`, `store`, `logger`) count by kind, not identity:
 * after a hot reload they are new objects, and the client must survive that.
 */
export function registryKey(options: ApiaxAuthOptions): string {
  const { env = process.env, ...explicit } = options;
  const serialized = JSON.stringify({ options: canonical(explicit, new WeakSet()), env: apiaxVariables(env) });
  return createHash('sha256').update(serialized).digest('hex');
}

function apiaxVariables(env: Record<string, string | undefined>): [string, string][] {
  return Object.entries(env)
    .filter((entry): entry is [string, string] => entry[0].startsWith(ENV_PREFIX) && entry[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function canonical(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'function') return '[function]';
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof KeyObject) return canonical(exportKey(value), seen);
  if (Array.isArray(value)) return value.map((item) => canonical(item, seen));
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return `[${value.constructor?.name ?? 'object'}]`;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((name) => [name, canonical((value as Record<string, unknown>)[name], seen)]),
  );
}

function exportKey(key: KeyObject): unknown {
  return key.type === 'secret' ? key.export().toString('base64url') : key.export({ format: 'jwk' });
}
