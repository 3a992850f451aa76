import { Body, Controller, Get, Module, Post, Req } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ApiaxAuth, ApiaxAuthModule, type ApiaxRequestContext } from '../src/index.js';
import { EVAL_QUERY, createApp, listen, optionsFor, postJson, startFake } from './support/helpers.js';
import { RulesService } from './support/rules.fixture.js';

/** The part of a `FastifyRequest` used here. Nest middleware sees the Node request: the context is on `request.raw`. */
interface FastifyRequestLike {
  raw: IncomingMessage & { apiax?: ApiaxRequestContext };
}

@Controller('rules')
class FastifyRulesController {
  constructor(private readonly rules: RulesService) {}

  @Post('eval')
  evaluate(@Body() query: unknown) {
    return this.rules.evaluate(query);
  }

  @Get('raw-context')
  async rawContext(@Req() request: FastifyRequestLike) {
    const context = request.raw.apiax;
    return { fetch: typeof context?.fetch, token: typeof (await context?.getAccessToken()) };
  }
}

@Module({ providers: [RulesService], controllers: [FastifyRulesController] })
class FastifyRulesModule {}

describe('on @nestjs/platform-fastify', () => {
  it('injects the client, puts the context on the raw request, and closes on shutdown', async () => {
    const fake = await startFake();
    const app = await createApp(
      { imports: [ApiaxAuthModule.forRoot({ ...optionsFor(fake, { logoutOnShutdown: true }), isGlobal: true }), FastifyRulesModule] },
      false,
      new FastifyAdapter(),
    );
    const baseUrl = await listen(app);

    const answer = await postJson(`${baseUrl}/rules/eval`, EVAL_QUERY);
    expect(answer.status).toBe(201);
    expect(answer.body.status).toBe(200);
    expect(await (await fetch(`${baseUrl}/rules/raw-context`)).json()).toEqual({ fetch: 'function', token: 'string' });
    expect(fake.stats.password).toBe(1);

    const auth = app.get(ApiaxAuth);
    await app.close();
    expect(fake.stats.logouts).toBe(1);
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'closed' });
  });
});
