import type { ApiaxRequestContext } from '@apiax-auth/core';

export type { ApiaxRequestContext };

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
