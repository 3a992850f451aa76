import type { ApiaxAuth } from './client.js';

/**
 * What a framework adapter attaches to each request (`req.apiax`): the two calls a handler needs,
 * bound to the application's one client. Defined here so every adapter declares the very same type
 * on `Express.Request`, and two adapters installed side by side never conflict.
 */
export type ApiaxRequestContext = Pick<ApiaxAuth, 'fetch' | 'getAccessToken'>;

/**
 * Binds a client's calls once. The result holds no token, so attaching it to a request costs one
 * property write and no I/O; every request shares the client's token cache.
 */
export function createRequestContext(auth: ApiaxAuth): ApiaxRequestContext {
  return Object.freeze({
    fetch: auth.fetch.bind(auth),
    getAccessToken: auth.getAccessToken.bind(auth),
  });
}
