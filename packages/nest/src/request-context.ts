import type { ApiaxRequestContext } from '@apiax-auth/core';

export type { ApiaxRequestContext };

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's request type is only extensible this way.
  namespace Express {
    interface Request {
      /** The Apiax client of this application, set on every request by `ApiaxAuthModule`. */
      apiax: ApiaxRequestContext;
    }
  }
}
