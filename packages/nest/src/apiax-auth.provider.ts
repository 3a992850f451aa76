import { createApiaxAuth, ApiaxAuth, type ApiaxAuthOptions } from '@apiax-auth/core';
import type { FactoryProvider } from '@nestjs/common';
import { APIAX_AUTH_OPTIONS } from './apiax-auth.constants.js';
import type { ApiaxAuthModuleOptions } from './apiax-auth-module-options.js';

/** Core's options out of the module's: the Nest-only switches are not the client's business. */
export function toClientOptions(options: ApiaxAuthModuleOptions): ApiaxAuthOptions {
  const { eager: _eager, logoutOnShutdown: _logoutOnShutdown, ...clientOptions } = options;
  return clientOptions;
}

/**
 * Provides core's `ApiaxAuth` under its own class, so `constructor(private readonly apiax: ApiaxAuth)` works.
 * Default (singleton) scope: one client, one token cache, one login for the whole application; a
 * request-scoped client would log in on every request.
 */
export const apiaxAuthProvider: FactoryProvider<ApiaxAuth> = {
  provide: ApiaxAuth,
  useFactory: (options: ApiaxAuthModuleOptions) => createApiaxAuth(toClientOptions(options)),
  inject: [APIAX_AUTH_OPTIONS],
};
