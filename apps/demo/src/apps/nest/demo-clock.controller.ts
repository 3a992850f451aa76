import { BadRequestException, Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiaxAuth } from '@apiax-auth/nest';
import type { DemoClock } from '../../shared/demo-clock.js';
import { pokeAfterClockJump } from '../../shared/poke-after-clock-jump.js';
import { readAdvanceSeconds } from '../advance-request.js';
import { DEMO_CLOCK } from './demo-clock.token.js';

/** `POST /__demo/advance {"seconds"}`: moves this app's clock with the fake's. Mounted with the fake only. */
@Controller('__demo')
export class DemoClockController {
  constructor(
    @Inject(ApiaxAuth) private readonly apiax: ApiaxAuth,
    @Inject(DEMO_CLOCK) private readonly clock: DemoClock,
  ) {}

  @Post('advance')
  @HttpCode(200)
  advance(@Body() body: unknown): { clockOffsetMs: number } {
    const seconds = readAdvanceSeconds(body);
    if (seconds === null) throw new BadRequestException('expected {"seconds": <positive number>}');
    this.clock.advance(seconds);
    pokeAfterClockJump(this.apiax);
    return { clockOffsetMs: this.clock.offsetMs };
  }
}
