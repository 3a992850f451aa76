import { createTestClock } from '@apiax-auth/testing';
import { Controller, Get, Inject, Module, Scope } from '@nestjs/common';
import type { Request } from 'express';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ApiaxAuth, ApiaxAuthModule, type ApiaxRequestContext } from '../src/index.js';
import { EVAL_QUERY, createApp, listen, optionsFor, postJson, startFake } from './support/helpers.js';
import { RulesModule } from './support/rules.fixture.js';

/** Every instance Nest created of the request-scoped controller below, with the client it received. */
const requestScopedClients: ApiaxAuth[] = [];

/** A request-scoped consumer: Nest builds it anew per request, and it must still get the one client. */
@Controller({ path: 'scoped', scope: Scope.REQUEST })
class RequestScopedController {
  constructor(@Inject(ApiaxAuth) private readonly apiax: ApiaxAuth) {
    requestScopedClients.push(apiax);
  }

  @Get()
  async token(): Promise<{ length: number }> {
    return { length: (await this.apiax.getAccessToken()).length };
  }
}

@Module({ controllers: [RequestScopedController] })
class RequestScopedModule {}

describe('req.apiax', () => {
  it('is typed on Express.Request as { fetch, getAccessToken }', () => {
    expectTypeOf<Request['apiax']>().toEqualTypeOf<ApiaxRequestContext>();
    expectTypeOf<ApiaxRequestContext['fetch']>().toEqualTypeOf<ApiaxAuth['fetch']>();
    expectTypeOf<ApiaxRequestContext['getAccessToken']>().toEqualTypeOf<ApiaxAuth['getAccessToken']>();
  });

  it('is set on every request, for controllers of every module', async () => {
    const fake = await startFake();
    const app = await createApp({ imports: [ApiaxAuthModule.forRoot({ ...optionsFor(fake), isGlobal: true }), RulesModule] });
    const baseUrl = await listen(app);
    for (let round = 0; round < 3; round += 1) {
      const response = await fetch(`${baseUrl}/rules/context`);
      expect(await response.json()).toEqual({ fetch: 'function', getAccessToken: 'function' });
    }
  });

  it('is set under a global prefix too', async () => {
    const fake = await startFake();
    const app = await createApp({ imports: [ApiaxAuthModule.forRoot({ ...optionsFor(fake), isGlobal: true }), RulesModule] });
    app.setGlobalPrefix('api');
    const baseUrl = await listen(app);
    const response = await fetch(`${baseUrl}/api/rules/context`);
    expect(await response.json()).toEqual({ fetch: 'function', getAccessToken: 'function' });
  });

  it('calls the rule engine with the application’s client, the same one services inject', async () => {
    const fake = await startFake();
    const app = await createApp({ imports: [ApiaxAuthModule.forRoot({ ...optionsFor(fake), isGlobal: true }), RulesModule] });
    const baseUrl = await listen(app);

    const fromRequest = await postJson(`${baseUrl}/rules/eval-from-request`, EVAL_QUERY);
    expect(fromRequest.status).toBe(201);
    expect(fromRequest.body.status).toBe(200);
    expect(fromRequest.body.body).toHaveProperty('results');

    const fromService = await postJson(`${baseUrl}/rules/eval`, EVAL_QUERY);
    expect(fromService.body).toEqual(fromRequest.body);

    // One client behind both paths: one login, both calls on its token.
    expect(fake.stats.password).toBe(1);
    expect(fake.stats.apiCalls).toBe(2);
    expect(app.get(ApiaxAuth).status()).toMatchObject({ state: 'valid', grants: { password: 1, refresh: 0 } });
  });

  it('200 concurrent requests on a cold start share one login', async () => {
    // A slow token endpoint keeps the login in flight while all requests arrive.
    const fake = await startFake({ tokenLatencyMs: 200 });
    const app = await createApp({ imports: [ApiaxAuthModule.forRoot({ ...optionsFor(fake), isGlobal: true }), RulesModule] });
    const baseUrl = await listen(app);

    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, index) => postJson(`${baseUrl}/rules/${index % 2 === 0 ? 'eval' : 'eval-from-request'}`, EVAL_QUERY)),
    );

    expect(answers.map((answer) => answer.body.status)).toEqual(Array.from({ length: 200 }, () => 200));
    expect(fake.stats.password).toBe(1);
    expect(fake.stats.tokenRequests).toBe(1);
    expect(fake.stats.apiCalls).toBe(200);
    expect(fake.stats.rejectedApiCalls).toBe(0);
  });

  it('keeps working across token expiry, on the injected clock: one refresh, no new login', async () => {
    const clock = createTestClock();
    const fake = await startFake({ now: clock.now });
    const app = await createApp({
      imports: [ApiaxAuthModule.forRoot({ ...optionsFor(fake, { now: clock.now }), isGlobal: true }), RulesModule],
    });
    const baseUrl = await listen(app);

    expect((await postJson(`${baseUrl}/rules/eval-from-request`)).body.status).toBe(200);
    clock.advance(31 * 60);
    expect((await postJson(`${baseUrl}/rules/eval-from-request`)).body.status).toBe(200);

    expect(fake.stats.password).toBe(1);
    expect(fake.stats.refresh).toBe(1);
    expect(fake.stats.rejectedApiCalls).toBe(0);
  });

  it('comes from one singleton client, even in request-scoped consumers: one login for all requests', async () => {
    const fake = await startFake();
    const app = await createApp({ imports: [ApiaxAuthModule.forRoot({ ...optionsFor(fake), isGlobal: true }), RequestScopedModule] });
    const baseUrl = await listen(app);
    requestScopedClients.length = 0;

    for (let round = 0; round < 3; round += 1) expect((await fetch(`${baseUrl}/scoped`)).status).toBe(200);

    // Three controllers (one per request), one client: app.get() itself throws for a request-scoped provider.
    expect(requestScopedClients).toHaveLength(3);
    const client = app.get(ApiaxAuth);
    for (const injected of requestScopedClients) expect(injected).toBe(client);
    expect(fake.stats.password).toBe(1);
  });
});
