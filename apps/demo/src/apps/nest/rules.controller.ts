import { Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiaxAuth } from '@apiax-auth/nest';
import type { Response as ExpressResponse } from 'express';
import { RULES_EVAL_PATH, RULES_EVAL_QUERY } from '../../shared/rules-query.js';

/** Calls the rule engine through the injected client, as a Nest service would. */
@Controller('rules')
export class RulesController {
  constructor(@Inject(ApiaxAuth) private readonly apiax: ApiaxAuth) {}

  @Post('eval')
  @HttpCode(200)
  async evaluate(@Res({ passthrough: true }) response: ExpressResponse): Promise<unknown> {
    const answer = await this.apiax.fetch(RULES_EVAL_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(RULES_EVAL_QUERY),
    });
    response.status(answer.status);
    const text = await answer.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return { error: 'non-JSON answer', status: answer.status };
    }
  }
}
