import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ApiaxAuthModule, ApiaxExceptionFilter } from '@apiax-auth/nest';
import type { DemoClock } from '../../shared/demo-clock.js';
import { demoClientOptions, type DemoMode } from '../../shared/demo-settings.js';
import { AuthTimeline } from './auth-timeline.service.js';
import { DemoClockController } from './demo-clock.controller.js';
import { DEMO_CLOCK } from './demo-clock.token.js';
import { DemoStatusController } from './demo-status.controller.js';
import { RulesController } from './rules.controller.js';

@Module({})
export class AppModule {
  /** The clock is made before the module: the client's `now` must be it from the first grant. */
  static forDemo(clock: DemoClock, mode: DemoMode): DynamicModule {
    return {
      module: AppModule,
      // logoutOnShutdown: a demo run should not leave sessions behind on the real Apiax.
      imports: [ApiaxAuthModule.forRoot({ isGlobal: true, logoutOnShutdown: true, ...demoClientOptions(clock, mode) })],
      controllers: [RulesController, DemoStatusController, ...(mode === 'fake' ? [DemoClockController] : [])],
      providers: [{ provide: DEMO_CLOCK, useValue: clock }, { provide: APP_FILTER, useClass: ApiaxExceptionFilter }, AuthTimeline],
    };
  }
}
