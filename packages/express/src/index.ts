export { apiaxAuth } from './middleware.js';
export { apiaxHealth } from './health.js';
export type { ApiaxExpressOptions, ApiaxMiddleware } from './middleware.js';
export { apiaxErrorHandler } from './error-handler.js';
export type { ApiaxRequestContext } from './request-context.js';

// Core's public surface, so that installing this package is enough.
export * from '@apiax-auth/core';
