import type { Request, RequestHandler } from 'express';
import express from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import {
  apiaxAuth,
  apiaxErrorHandler,
  type ApiaxAuth,
  type ApiaxMiddleware,
  type ApiaxProblemDetails,
  type ApiaxRequestContext,
} from '../src/index.js';

// What the README tells a user with a second account to write.
declare global {
  namespace Express {
    interface Request {
      apiaxSandbox: ApiaxRequestContext;
    }
  }
}

describe('types', () => {
  it('types req.apiax on every Express request, with no cast', () => {
    const app = express();
    app.use(apiaxAuth());
    app.post('/eval', async (req, res) => {
      expectTypeOf(req.apiax).toEqualTypeOf<ApiaxRequestContext>();
      const r = await req.apiax.fetch('/api/v3/rules/eval', { method: 'POST', body: JSON.stringify(req.body) });
      expectTypeOf(r).toEqualTypeOf<Response>();
      expectTypeOf(await req.apiax.getAccessToken({ forceRefresh: true })).toEqualTypeOf<string>();
      res.status(r.status).json(await r.json());
    });
    expectTypeOf<Request['apiax']>().toEqualTypeOf<ApiaxRequestContext>();
  });

  it('gives the context only fetch and getAccessToken of core', () => {
    expectTypeOf<ApiaxRequestContext['fetch']>().toEqualTypeOf<ApiaxAuth['fetch']>();
    expectTypeOf<ApiaxRequestContext['getAccessToken']>().toEqualTypeOf<ApiaxAuth['getAccessToken']>();
    expectTypeOf<keyof ApiaxRequestContext>().toEqualTypeOf<'fetch' | 'getAccessToken'>();
    // @ts-expect-error close() belongs to the middleware's client, not to requests
    void ((req: Request) => req.apiax.close());
  });

  it('returns a RequestHandler that carries its client and its property name', () => {
    const middleware = apiaxAuth();
    expectTypeOf(middleware).toExtend<RequestHandler>();
    expectTypeOf(middleware.auth).toEqualTypeOf<ApiaxAuth>();
    expectTypeOf(middleware.requestProperty).toEqualTypeOf<'apiax'>();
    expectTypeOf(middleware.auth.close).toBeFunction();
  });

  it('infers the literal requestProperty of a second account', () => {
    const sandbox = apiaxAuth({ requestProperty: 'apiaxSandbox' });
    expectTypeOf(sandbox).toEqualTypeOf<ApiaxMiddleware<'apiaxSandbox'>>();
    expectTypeOf(sandbox.requestProperty).toEqualTypeOf<'apiaxSandbox'>();
    const app = express();
    app.use(sandbox);
    app.get('/', async (req, res) => {
      expectTypeOf(req.apiaxSandbox).toEqualTypeOf<ApiaxRequestContext>();
      res.send(await req.apiaxSandbox.getAccessToken());
    });
  });

  it('refuses options core does not know and a non-string requestProperty', () => {
    // @ts-expect-error not an option
    apiaxAuth({ pasword: 'typo' });
    // @ts-expect-error requestProperty is a string
    apiaxAuth({ requestProperty: 42 });
    // @ts-expect-error an unknown request property is not typed
    void ((req: Request) => req.apiaxTypo);
  });

  it('types the error handler and its problem body', () => {
    expectTypeOf(apiaxErrorHandler()).toEqualTypeOf<import('express').ErrorRequestHandler>();
    expectTypeOf<ApiaxProblemDetails['status']>().toEqualTypeOf<500 | 502 | 503>();
  });
});
