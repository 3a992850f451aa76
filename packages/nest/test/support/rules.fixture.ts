import { Body, Controller, Get, Injectable, Module, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiaxAuth } from '../../src/index.js';

/** What the routes answer: the rule engine's status and body, passed through. */
export interface RulesAnswer {
  status: number;
  body: unknown;
}

async function toAnswer(response: Response): Promise<RulesAnswer> {
  return { status: response.status, body: await response.json() };
}

/** A service injecting the client by class, as API.md shows (no `@Inject`: design-time metadata). */
@Injectable()
export class RulesService {
  constructor(readonly apiax: ApiaxAuth) {}

  async evaluate(query: unknown): Promise<RulesAnswer> {
    return toAnswer(await this.apiax.fetch('/api/v3/rules/eval', { method: 'POST', body: JSON.stringify(query) }));
  }
}

@Controller('rules')
export class RulesController {
  constructor(private readonly rules: RulesService) {}

  /** Through the injected client. */
  @Post('eval')
  evaluate(@Body() query: unknown): Promise<RulesAnswer> {
    return this.rules.evaluate(query);
  }

  /** Through `req.apiax`, as an Express handler would. */
  @Post('eval-from-request')
  async evaluateFromRequest(@Req() req: Request, @Body() query: unknown): Promise<RulesAnswer> {
    return toAnswer(await req.apiax.fetch('/api/v3/rules/eval', { method: 'POST', body: JSON.stringify(query) }));
  }

  /** Never calls Apiax: tells whether the request carries the context. */
  @Get('context')
  context(@Req() req: Request): { fetch: string; getAccessToken: string } {
    return { fetch: typeof req.apiax?.fetch, getAccessToken: typeof req.apiax?.getAccessToken };
  }
}

/** A feature module that does not import `ApiaxAuthModule`: it relies on `isGlobal`. */
@Module({ providers: [RulesService], controllers: [RulesController] })
export class RulesModule {}
