import type { ApiaxAuth } from '@apiax-auth/core';

/**
 * What the middleware puts on each request (`req.apiax` by default): the two calls a handler needs,
 * bound to the middleware's one client. Holds no token itself, so attaching it costs no I/O.
 */
export type ApiaxRequestContext = Pick<ApiaxAuth, 'fetch' | 'getAccessToken'>;

declare global {
  // Express's own types declare `Express.Request` in this global namespace for augmentation.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `apiaxAuth()`: `fetch` and `getAccessToken` of its client. */
      apiax: ApiaxRequestContext;
    }
  }
}
