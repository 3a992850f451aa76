import { Body, Controller, Get, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { AppService } from './app.service';

@Controller()
export class AppController {
  constructor(private readonly appService: AppService) {}

  @Get()
  getHello(): string {
    return this.appService.getHello();
  }

  @Post('rules/eval')
  evaluate(@Body() query: unknown): Promise<unknown> {
    return this.appService.evaluate(query);
  }

  @Post('rules/eval-from-request')
  async evaluateFromRequest(@Req() req: Request, @Body() query: unknown): Promise<unknown> {
    const response = await req.apiax.fetch('/api/v3/rules/eval', { method: 'POST', body: JSON.stringify(query) });
    return response.json();
  }
}
