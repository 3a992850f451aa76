import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiaxAuth } from '@apiax-auth/nest';
import { takeSnapshot, type AppSnapshot } from '../../shared/app-snapshot.js';
import type { DemoClock } from '../../shared/demo-clock.js';
import { AuthTimeline } from './auth-timeline.service.js';
import { DEMO_CLOCK } from './demo-clock.token.js';

/** `GET /__demo/status`: the client's `status()` and timeline, for the dashboard. */
@Controller('__demo')
export class DemoStatusController {
  constructor(
    @Inject(ApiaxAuth) private readonly apiax: ApiaxAuth,
    @Inject(DEMO_CLOCK) private readonly clock: DemoClock,
    @Inject(AuthTimeline) private readonly timeline: AuthTimeline,
  ) {}

  @Get('status')
  @Header('cache-control', 'no-store')
  status(): AppSnapshot {
    return takeSnapshot('nest', this.apiax, this.clock, this.timeline.log);
  }
}
