import { createApiaxAuth, FileTokenStore, type ApiaxAuth, type ApiaxAuthOptions } from '@apiax-auth/core';
import type { Environment } from './environment.js';
import { stderrLogger, type CliIo } from './output.js';

/** What a command needs to build its client. */
export interface ClientContext {
  io: CliIo;
  env: Environment;
  /** `--no-cache`: an in-memory store, so nothing is read or written on disk. */
  noCache: boolean;
}

/** The token cache of this run, or `undefined` with `--no-cache`. */
export function createCache(context: ClientContext): FileTokenStore | undefined {
  if (context.noCache) return undefined;
  return new FileTokenStore({ env: context.env, logger: stderrLogger(context.io) });
}

/**
 * A core client on the run's environment and cache. Throws `invalid_config` naming the option, as core does.
 * `overrides` lets doctor limit retries.
 */
export function createClient(
  context: ClientContext,
  overrides: ApiaxAuthOptions = {},
): { auth: ApiaxAuth; cache: FileTokenStore | undefined } {
  const cache = createCache(context);
  const auth = createApiaxAuth({
    env: context.env,
    logger: stderrLogger(context.io),
    ...(cache === undefined ? {} : { store: cache }),
    ...overrides,
  });
  return { auth, cache };
}

/** Runs `use` with a client, and closes the client (without logging out: the cache keeps the session). */
export async function withClient<T>(
  context: ClientContext,
  use: (auth: ApiaxAuth, cache: FileTokenStore | undefined) => Promise<T>,
): Promise<T> {
  const { auth, cache } = createClient(context);
  try {
    return await use(auth, cache);
  } finally {
    // Without a cache the session would be orphaned: end it, so a --no-cache run leaves no Keycloak session behind.
    await auth.close({ logout: context.noCache });
  }
}
