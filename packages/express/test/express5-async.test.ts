import express, { type ErrorRequestHandler } from 'express';
import { describe, expect, it } from 'vitest';
import { ApiaxAuthError } from '../src/index.js';
import { apiaxAuthFor, canary, listen, startFake } from './support/helpers.js';

// Express 5 routes a rejected async handler to the error handlers by itself: no wrapper, no apiaxErrorHandler.
describe('Express 5 without apiaxErrorHandler()', () => {
  async function serveWrongPassword(password: string, errorHandler?: ErrorRequestHandler) {
    const fake = await startFake();
    const app = express();
    app.use(apiaxAuthFor(fake, { password }));
    app.get('/eval', async (req, res) => {
      const r = await req.apiax.fetch('/api/v3/rules/eval', { method: 'POST', body: '{}' });
      res.sendStatus(r.status);
    });
    if (errorHandler) app.use(errorHandler);
    return { fake, url: await listen(app) };
  }

  it('hands the typed ApiaxAuthError to a custom error handler', async () => {
    let received: unknown;
    const { url } = await serveWrongPassword(canary('password'), (error, _req, res, _next) => {
      received = error;
      res.status(599).end();
    });

    expect((await fetch(`${url}/eval`)).status).toBe(599);
    expect(received).toBeInstanceOf(ApiaxAuthError);
    expect(received).toMatchObject({ code: 'invalid_credentials', retryable: false });
  });

  // Express's default handler (finalhandler) answers with `err.status` when it is 4xx/5xx: here the
  // token endpoint's 401. The README says so and recommends apiaxErrorHandler() (a 502) instead.
  it("answers through Express's default handler with the token endpoint's status, without the password", async () => {
    const password = canary('password');
    const { fake, url } = await serveWrongPassword(password);

    const response = await fetch(`${url}/eval`);

    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain(password);
    expect(fake.stats.failedLogins).toBe(1);
  });
});
