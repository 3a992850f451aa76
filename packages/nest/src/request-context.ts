import type { ApiaxAuth } from '@apiax-auth/core';

/**
 * What `req.apiax` holds: `fetch` and `getAccessToken` of the application's one client.
 * The same shape as `@apiax-auth/express` attaches, so both can be installed side by side.
 */
export type ApiaxRequestContext = Pick<ApiaxAuth, 'fetch' | 'getAccessToken'>;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's request type is only extensible this way.
  namespace Express {
    interface Request {
      /** The Apiax client of this application, set on every request by `ApiaxAuthModule`. */
      apiax: ApiaxRequestContext;
    }
  }
}

/** Binds once, so attaching it to a request costs one property write and no I/O. */
export function createRequestContext(auth: ApiaxAuth): ApiaxRequestContext {
  return Object.freeze({
    fetch: auth.fetch.bind(auth),
    getAccessToken: auth.getAccessToken.bind(auth),
  });
}
