import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ApiaxAuth } from '@apiax-auth/nest';
import { recordAuthEvents, type AuthEventLog } from '../../shared/auth-event-log.js';
import type { DemoClock } from '../../shared/demo-clock.js';
import { DEMO_CLOCK } from './demo-clock.token.js';

/** The Nest app's timeline: listens to the injected client's events from bootstrap to shutdown. */
@Injectable()
export class AuthTimeline implements OnModuleDestroy {
  readonly log: AuthEventLog;

  constructor(@Inject(ApiaxAuth) auth: ApiaxAuth, @Inject(DEMO_CLOCK) clock: DemoClock) {
    this.log = recordAuthEvents(auth, 'nest', clock.now);
  }

  onModuleDestroy(): void {
    this.log.stop();
  }
}
