// Importing this package from a client component fails the build: tokens and passwords stay on the server.
// This works only because package.json does not declare `"sideEffects": false`: with it, bundlers
// (Turbopack, webpack) skip this barrel, take `createApiaxNext` straight from its own module, never
// see `server-only`, and put core into the client bundle (caught by test/e2e.test.ts).
import 'server-only';

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
