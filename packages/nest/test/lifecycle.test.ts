import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ApiaxAuth, ApiaxAuthError, ApiaxAuthModule } from '../src/index.js';
import { canary, captureLogger, captureNestLogger, createApp, listen, optionsFor, postJson, startFake } from './support/helpers.js';
import { RulesModule } from './support/rules.fixture.js';

describe('eager: true', () => {
  it('logs in while the application initialises, before the first request', async () => {
    const fake = await startFake();
    const app = await createApp({
      imports: [ApiaxAuthModule.forRoot({ ...optionsFor(fake, { eager: true }), isGlobal: true }), RulesModule],
    });
    await app.init();
    expect(fake.stats.password).toBe(1);
    expect(app.get(ApiaxAuth).status().state).toBe('valid');

    const baseUrl = await listen(app);
    expect((await postJson(`${baseUrl}/rules/eval-from-request`)).body.status).toBe(200);
    expect(fake.stats.password).toBe(1);
  });

  it.each([
    { refusal: 'a wrong password', user: { username: 'demo', password: 'demo' }, code: 'invalid_credentials' },
    { refusal: 'a disabled account', user: { username: 'demo', password: 'demo', disabled: true }, code: 'account_disabled' },
  ])('fails app.listen() on $refusal with the typed error, after exactly one login attempt, leaking no secret', async ({ user, code }) => {
    const password = canary('password');
    // The wrong password is the canary; the disabled account gets the canary as its right one.
    const fake = await startFake({ users: [{ ...user, password: code === 'invalid_credentials' ? user.password : password }] });
    const nestLog = captureNestLogger();
    const clientLog = captureLogger();
    const app = await createApp(
      {
        imports: [
          ApiaxAuthModule.forRoot({ ...optionsFor(fake, { eager: true, password, logger: clientLog.logger }), isGlobal: true }),
          RulesModule,
        ],
      },
      nestLog.logger,
    );

    const failure = await app.listen(0, '127.0.0.1').then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(ApiaxAuthError);
    expect(failure).toMatchObject({ code, retryable: false });
    expect(app.getHttpServer().listening).toBe(false);
    expect(fake.stats.password).toBe(1);
    expect(fake.stats.failedLogins).toBe(1);
    expect(clientLog.lines.length).toBeGreaterThan(0);
    const surfaces = [
      String(failure),
      JSON.stringify(failure),
      inspect(failure, { depth: 10, showHidden: true }),
      nestLog.text(),
      ...clientLog.lines,
    ];
    for (const surface of surfaces) {
      expect(surface).not.toContain(password);
    }
  });
  it('fails app.init() itself (not only app.listen()) with the typed error, before anything listens', async () => {
    const fake = await startFake();
    const app = await createApp({
      imports: [
        ApiaxAuthModule.forRoot({ ...optionsFor(fake, { eager: true, password: canary('password') }), isGlobal: true }),
        RulesModule,
      ],
    });

    await expect(app.init()).rejects.toMatchObject({ name: 'ApiaxAuthError', code: 'invalid_credentials', retryable: false });
    expect(app.getHttpServer().listening).toBe(false);
    expect(fake.stats.failedLogins).toBe(1);
    expect(fake.stats.apiCalls).toBe(0);
  });
});

describe('eager: true, with a flaky token endpoint', () => {
  // Short backoff so the retries take milliseconds, not seconds.
  const fastRetries = { retryBaseDelayMs: 10, retryMaxDelayMs: 50 };

  it('retries the login with backoff, and the application starts', async () => {
    const fake = await startFake();
    fake.fail({ type: 'html', status: 503 }, 2);
    const app = await createApp({
      imports: [ApiaxAuthModule.forRoot({ ...optionsFor(fake, { eager: true, ...fastRetries }), isGlobal: true }), RulesModule],
    });

    const baseUrl = await listen(app);

    expect(fake.stats.tokenRequests).toBe(3);
    expect(fake.stats.password).toBe(1);
    expect((await postJson(`${baseUrl}/rules/eval`)).body.status).toBe(200);
  });

  it('fails the start with a retryable error once the retries are spent', async () => {
    const fake = await startFake();
    fake.fail({ type: 'html', status: 502 }, 10);
    const app = await createApp({
      imports: [
        ApiaxAuthModule.forRoot({ ...optionsFor(fake, { eager: true, ...fastRetries, maxRetries: 2 }), isGlobal: true }),
        RulesModule,
      ],
    });

    await expect(app.listen(0, '127.0.0.1')).rejects.toMatchObject({ name: 'ApiaxAuthError', code: 'server_error', retryable: true });
    expect(fake.stats.tokenRequests).toBe(3);
    expect(app.getHttpServer().listening).toBe(false);
  });
});

describe('shutdown', () => {
  it('app.close() closes the client: later calls fail with `closed`, and nothing is sent', async () => {
    const fake = await startFake();
    const app = await createApp({ imports: [ApiaxAuthModule.forRoot({ ...optionsFor(fake), isGlobal: true }), RulesModule] });
    app.enableShutdownHooks();
    const baseUrl = await listen(app);
    expect((await postJson(`${baseUrl}/rules/eval`)).body.status).toBe(200);
    const auth = app.get(ApiaxAuth);

    await app.close();
    fake.resetStats();

    await expect(auth.getAccessToken()).rejects.toMatchObject({ name: 'ApiaxAuthError', code: 'closed' });
    await expect(auth.fetch('/api/v3/rules/eval', { method: 'POST', body: '{}' })).rejects.toMatchObject({ code: 'closed' });
    // Without logoutOnShutdown, the Keycloak session is left to expire (another instance may share it).
    expect(fake.stats.logouts).toBe(0);
    expect(fake.stats.tokenRequests).toBe(0);
    expect(fake.stats.apiCalls).toBe(0);
  });

  it('with logoutOnShutdown, app.close() also ends the Keycloak session', async () => {
    const fake = await startFake();
    const app = await createApp({
      imports: [ApiaxAuthModule.forRoot({ ...optionsFor(fake, { logoutOnShutdown: true }), isGlobal: true }), RulesModule],
    });
    const baseUrl = await listen(app);
    expect((await postJson(`${baseUrl}/rules/eval`)).body.status).toBe(200);
    expect(fake.stats.activeSessions).toBe(1);
    const auth = app.get(ApiaxAuth);

    await app.close();

    expect(fake.stats.logouts).toBe(1);
    expect(fake.stats.activeSessions).toBe(0);
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'closed' });
  });
});
