import { ConfigurableModuleBuilder } from '@nestjs/common';
import { APIAX_AUTH_OPTIONS } from './apiax-auth.constants.js';
import type { ApiaxAuthModuleExtras, ApiaxAuthModuleOptions, ApiaxAuthOptionsFactory } from './apiax-auth-module-options.js';

/** The `forRoot` / `forRootAsync` pair, built the way `@nestjs/cache-manager` and `@nestjs/throttler` build theirs. */
export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } = new ConfigurableModuleBuilder<ApiaxAuthModuleOptions>({
  optionsInjectionToken: APIAX_AUTH_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createApiaxAuthOptions' satisfies keyof ApiaxAuthOptionsFactory)
  .setExtras<ApiaxAuthModuleExtras>({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal ?? false }))
  .build();
