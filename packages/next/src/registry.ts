import type { ApiaxAuth } from '@apiax-auth/core';

/**
 * `Symbol.for` so that every copy of this module in the process finds the same registry: Next.js
 * evaluates modules once per bundle layer (instrumentation, route handlers, server components...)
 * and again after each dev-server hot reload, but `globalThis` is shared by all of them.
 */
export const REGISTRY_SYMBOL = Symbol.for('@apiax-auth/next');

/** Clients of this process, by {@link registryKey}. */
export type ApiaxClientRegistry = Map<string, ApiaxAuth>;

type GlobalWithRegistry = typeof globalThis & { [REGISTRY_SYMBOL]?: ApiaxClientRegistry };

/** The process-wide registry, created on first use. */
export function clientRegistry(): ApiaxClientRegistry {
  const global = globalThis as GlobalWithRegistry;
  return (global[REGISTRY_SYMBOL] ??= new Map() as ApiaxClientRegistry);
}

/** The client registered under `key`, created by `create` when there is none yet. */
export function sharedClient(key: string, create: () => ApiaxAuth): ApiaxAuth {
  const registry = clientRegistry();
  let client = registry.get(key);
  if (client === undefined) {
    client = create();
    registry.set(key, client);
  }
  return client;
}

/** Drops `client` from the registry (if it is still the one under `key`). */
export function forgetClient(key: string, client: ApiaxAuth): void {
  const registry = clientRegistry();
  if (registry.get(key) === client) registry.delete(key);
}
