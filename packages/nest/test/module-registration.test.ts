import { ApiaxAuth as CoreApiaxAuth, ApiaxAuthError as CoreApiaxAuthError } from '@apiax-auth/core';
import { Inject, Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import {
  APIAX_AUTH_OPTIONS,
  ApiaxAuth,
  ApiaxAuthError,
  ApiaxAuthModule,
  type ApiaxAuthModuleOptions,
  type ApiaxAuthOptionsFactory,
} from '../src/index.js';
import { EVAL_QUERY, createApp, listen, optionsFor, postJson, startFake, type FakeApiax } from './support/helpers.js';
import { RulesController, RulesModule, RulesService } from './support/rules.fixture.js';

/** Answers a rule evaluation through the injected client; checks the whole chain reached the fake. */
async function expectEvaluationWorks(fake: FakeApiax, baseUrl: string): Promise<void> {
  const answer = await postJson(`${baseUrl}/rules/eval`, EVAL_QUERY);
  expect(answer.status).toBe(201);
  expect(answer.body.status).toBe(200);
  expect(answer.body.body).toHaveProperty('results');
  expect(fake.stats.password).toBe(1);
  expect(fake.stats.rejectedApiCalls).toBe(0);
}

describe('ApiaxAuthModule.forRoot', () => {
  it('provides core’s ApiaxAuth, injectable by class in a service', async () => {
    const fake = await startFake();
    const app = await createApp({
      imports: [ApiaxAuthModule.forRoot(optionsFor(fake))],
      providers: [RulesService],
      controllers: [RulesController],
    });
    const baseUrl = await listen(app);

    // The class users import from this package is core's, not a copy.
    expect(ApiaxAuth).toBe(CoreApiaxAuth);
    expect(ApiaxAuthError).toBe(CoreApiaxAuthError);
    const auth = app.get(ApiaxAuth);
    expect(auth).toBeInstanceOf(CoreApiaxAuth);
    expect(app.get(RulesService).apiax).toBe(auth);
    await expectEvaluationWorks(fake, baseUrl);
  });

  it('works without arguments, from the APIAX_* environment', async () => {
    const fake = await startFake();
    const saved = { ...process.env };
    Object.assign(process.env, fake.env);
    try {
      const app = await createApp({ imports: [ApiaxAuthModule.forRoot()], providers: [RulesService], controllers: [RulesController] });
      await expectEvaluationWorks(fake, await listen(app));
    } finally {
      for (const name of Object.keys(fake.env)) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });

  it('exports the options token, without the module-only `isGlobal`', async () => {
    const fake = await startFake();
    const options = optionsFor(fake, { eager: false, logoutOnShutdown: true });
    const moduleRef = await Test.createTestingModule({ imports: [ApiaxAuthModule.forRoot({ ...options, isGlobal: true })] }).compile();
    const provided = moduleRef.get<ApiaxAuthModuleOptions>(APIAX_AUTH_OPTIONS);
    expect(provided).toEqual(options);
    expect(provided).not.toHaveProperty('isGlobal');
    await moduleRef.close();
  });

  it('with isGlobal, a feature module that does not import it can inject the client', async () => {
    const fake = await startFake();
    const app = await createApp({ imports: [ApiaxAuthModule.forRoot({ ...optionsFor(fake), isGlobal: true }), RulesModule] });
    await expectEvaluationWorks(fake, await listen(app));
  });

  it('without isGlobal, that feature module cannot resolve it', async () => {
    const fake = await startFake();
    await expect(Test.createTestingModule({ imports: [ApiaxAuthModule.forRoot(optionsFor(fake)), RulesModule] }).compile()).rejects.toThrow(
      /ApiaxAuth/,
    );
  });

  it('refuses a wrong option while the module compiles, naming it, before anything is sent', async () => {
    const fake = await startFake();
    const failure = await Test.createTestingModule({
      imports: [ApiaxAuthModule.forRoot(optionsFor(fake, { apiBaseUrl: 'http://rules.example.com' }))],
    })
      .compile()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(ApiaxAuthError);
    expect(failure).toMatchObject({ code: 'invalid_config' });
    expect((failure as Error).message).toContain('apiBaseUrl');
    expect(fake.stats.tokenRequests).toBe(0);
  });

  it('sends nothing at start-up nor for routes that do not call Apiax', async () => {
    const fake = await startFake();
    const app = await createApp({ imports: [ApiaxAuthModule.forRoot({ ...optionsFor(fake), isGlobal: true }), RulesModule] });
    const baseUrl = await listen(app);
    const response = await fetch(`${baseUrl}/rules/context`);
    expect(response.status).toBe(200);
    expect(fake.stats.tokenRequests).toBe(0);
    expect(fake.stats.apiCalls).toBe(0);
  });
});

describe('ApiaxAuthModule.forRootAsync', () => {
  it('takes its options from ConfigService (useFactory + inject)', async () => {
    const fake = await startFake();
    const app = await createApp({
      imports: [
        ApiaxAuthModule.forRootAsync({
          isGlobal: true,
          imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ ...fake.env })] })],
          inject: [ConfigService],
          useFactory: (config: ConfigService): ApiaxAuthModuleOptions => ({
            issuer: config.getOrThrow<string>('APIAX_ISSUER'),
            apiBaseUrl: config.getOrThrow<string>('APIAX_API_URL'),
            username: config.getOrThrow<string>('APIAX_USERNAME'),
            password: config.getOrThrow<string>('APIAX_PASSWORD'),
            env: {},
          }),
        }),
        RulesModule,
      ],
    });
    await expectEvaluationWorks(fake, await listen(app));
  });

  it('awaits an async factory', async () => {
    const fake = await startFake();
    const app = await createApp({
      imports: [
        ApiaxAuthModule.forRootAsync({
          useFactory: async () => {
            await new Promise((resolve) => setTimeout(resolve, 10));
            return optionsFor(fake);
          },
        }),
      ],
      providers: [RulesService],
      controllers: [RulesController],
    });
    await expectEvaluationWorks(fake, await listen(app));
  });

  it('takes its options from a class implementing ApiaxAuthOptionsFactory (useClass)', async () => {
    const fake = await startFake();

    @Injectable()
    class ApiaxConfig implements ApiaxAuthOptionsFactory {
      constructor(@Inject(ConfigService) private readonly config: ConfigService) {}
      createApiaxAuthOptions(): ApiaxAuthModuleOptions {
        return { env: { ...this.config.get<Record<string, string>>('apiax') } };
      }
    }

    @Module({
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ apiax: { ...fake.env } })] })],
      exports: [ConfigModule],
    })
    class SettingsModule {}

    const app = await createApp({
      imports: [ApiaxAuthModule.forRootAsync({ imports: [SettingsModule], useClass: ApiaxConfig, isGlobal: true }), RulesModule],
    });
    await expectEvaluationWorks(fake, await listen(app));
  });
});
