// Importing this package from a client component fails the build: tokens and passwords stay on the server.
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
