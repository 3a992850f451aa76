import { BadRequestException, Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import type { DemoClock } from '../../shared/demo-clock.js';
import { readAdvanceSeconds } from '../advance-request.js';
import { DEMO_CLOCK } from './demo-clock.token.js';

/** `POST /__demo/advance {"seconds"}`: moves this app's clock with the fake's. Mounted with the fake only. */
@Controller('__demo')
export class DemoClockController {
  constructor(@Inject(DEMO_CLOCK) private readonly clock: DemoClock) {}

  @Post('advance')
  @HttpCode(200)
  advance(@Body() body: unknown): { clockOffsetMs: number } {
    const seconds = readAdvanceSeconds(body);
    if (seconds === null) throw new BadRequestException('expected {"seconds": <positive number>}');
    this.clock.advance(seconds);
    return { clockOffsetMs: this.clock.offsetMs };
  }
}
