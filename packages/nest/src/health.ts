import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { ApiaxAuth, healthReport } from '@apiax-auth/core';

/**
 * A Terminus health indicator for the Apiax client: `up`, `down` when the client has no usable token
 * and its last attempt failed (or it is closed), so `HealthCheckService.check()` answers 503. On
 * Terminus 12, a `degraded` client (the token serves, but renewal or the shared store fails) is
 * reported as `degraded` (still 200); on Terminus 11, which has no such state, as `up` with the details.
 * Imported from `@apiax-auth/nest/health`: the main entry never loads `@nestjs/terminus`.
 * @example
 * @Module({ imports: [TerminusModule], providers: [ApiaxHealthIndicator], controllers: [HealthController] })
 * // in HealthController: @Get('health') @HealthCheck() check() { return this.health.check([() => this.apiax.isHealthy('apiax')]); }
 */
@Injectable()
export class ApiaxHealthIndicator {
  constructor(
    private readonly auth: ApiaxAuth,
    private readonly healthIndicatorService: HealthIndicatorService,
  ) {}

  /** Reads `auth.status()` (a probe never triggers a login); details: state, store, expiries, the last error's code. */
  isHealthy<const Key extends string>(key: Key): HealthIndicatorResult<Key> {
    const { body } = healthReport(this.auth.status());
    const { status, ...details } = body;
    const indicator = this.healthIndicatorService.check(key);
    if (status === 'down') return indicator.down(details);
    if (status === 'degraded' && typeof indicator.degraded === 'function') return indicator.degraded(details);
    return indicator.up(details);
  }
}
