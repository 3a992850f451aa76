export { ApiaxAuthModule } from './apiax-auth.module.js';
export { APIAX_AUTH_OPTIONS } from './apiax-auth.constants.js';
export { ApiaxExceptionFilter } from './apiax-exception.filter.js';
export type { ApiaxAuthModuleExtras, ApiaxAuthModuleOptions, ApiaxAuthOptionsFactory } from './apiax-auth-module-options.js';
export type { ApiaxRequestContext } from './request-context.js';

// Core's public API, so installing this package is enough.
export * from '@apiax-auth/core';
