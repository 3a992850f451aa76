import type { ApiaxAuthOptions } from '@apiax-auth/core';

/**
 * Options of {@link ApiaxAuthModule}: every option of core's `createApiaxAuth` (each falls back to its
 * `APIAX_*` environment variable), plus what only a Nest application needs.
 */
export interface ApiaxAuthModuleOptions extends ApiaxAuthOptions {
  /**
   * Log in while the application initialises (`onModuleInit`), so `app.init()` / `app.listen()` rejects
   * with the typed `ApiaxAuthError` (a wrong password, a disabled account) before the app serves a request.
   * Default `false`: nothing is sent until the first call.
   */
  eager?: boolean | undefined;
  /** On application shutdown, end the Keycloak session too (a logout request), not only the local client. Default `false`. */
  logoutOnShutdown?: boolean | undefined;
}

/** Options that shape the Nest module itself rather than the client. */
export interface ApiaxAuthModuleExtras {
  /** Register the module globally: `ApiaxAuth` is then injectable everywhere without importing the module. Default `false`. */
  isGlobal?: boolean | undefined;
}

/** A class that `forRootAsync({ useClass })` or `forRootAsync({ useExisting })` asks for the options. */
export interface ApiaxAuthOptionsFactory {
  createApiaxAuthOptions(): ApiaxAuthModuleOptions | Promise<ApiaxAuthModuleOptions>;
}
