/**
 * Injection token of the module's options (what `forRoot` received or `forRootAsync`'s factory returned).
 * Inject it with `@Inject(APIAX_AUTH_OPTIONS)`; it holds the password, so never log it.
 */
export const APIAX_AUTH_OPTIONS = 'APIAX_AUTH_OPTIONS';
