// The package's API without the `server-only` marker. Plain Node resolves here (package.json's `node`
// condition): a seed script, a Vitest or Jest test, a CLI, where "a call outside a request goes straight
// through" (README). Next's server code resolves `react-server` first and its browser bundle has no
// `node` condition, so both still load src/index.ts and a client component importing the package still
// fails `next build`.
export { createApiaxNext } from './create-apiax-next.js';
export type {
  ApiaxNext,
  ApiaxNextClient,
  ApiaxNextOptions,
  ApiaxRouteContext,
  ApiaxRouteHandler,
  RouteHandler,
  RouteHandlerContext,
  RouteParams,
  WithApiax,
} from './types.js';

// Core's public API, so that installing this package is enough.
export * from '@apiax-auth/core';
