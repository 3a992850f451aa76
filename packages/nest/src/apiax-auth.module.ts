import { ApiaxAuth } from '@apiax-auth/core';
import {
  Inject,
  Module,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { APIAX_AUTH_OPTIONS } from './apiax-auth.constants.js';
import { ASYNC_OPTIONS_TYPE, ConfigurableModuleClass, OPTIONS_TYPE } from './apiax-auth.module-definition.js';
import type { ApiaxAuthModuleOptions } from './apiax-auth-module-options.js';
import { apiaxAuthProvider } from './apiax-auth.provider.js';
import { ApiaxRequestMiddleware } from './apiax-request.middleware.js';

/**
 * Provides core's {@link ApiaxAuth} (injectable by class), sets `req.apiax` on every request, can log in
 * at bootstrap (`eager`), and closes the client when the application shuts down.
 *
 * @example
 * ```ts
 * @Module({ imports: [ApiaxAuthModule.forRoot({ isGlobal: true })] }) // options from APIAX_* env
 * class AppModule {}
 * ```
 */
@Module({
  providers: [apiaxAuthProvider],
  exports: [ApiaxAuth, APIAX_AUTH_OPTIONS],
})
export class ApiaxAuthModule extends ConfigurableModuleClass implements NestModule, OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(ApiaxAuth) private readonly auth: ApiaxAuth,
    @Inject(APIAX_AUTH_OPTIONS) private readonly options: ApiaxAuthModuleOptions,
  ) {
    super();
  }

  /**
   * Registers the module with options given in place; without options, everything comes from the
   * `APIAX_*` environment variables.
   */
  static override forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }

  /**
   * Registers the module with options computed by a factory (`useFactory` + `inject`, e.g. from
   * `ConfigService`), a class (`useClass`) or an existing provider (`useExisting`) implementing
   * `ApiaxAuthOptionsFactory`.
   */
  static override forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(options);
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ApiaxRequestMiddleware).forRoutes('*');
  }

  async onModuleInit(): Promise<void> {
    // A wrong password then fails the start, once, instead of the first user's request.
    if (this.options.eager === true) await this.auth.getAccessToken();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.auth.close({ logout: this.options.logoutOnShutdown === true });
  }
}
