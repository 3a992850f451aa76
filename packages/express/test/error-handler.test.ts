import type { ErrorRequestHandler } from 'express';
import { describe, expect, it } from 'vitest';
import { ApiaxAuthError, apiaxErrorHandler, toProblemDetails, type ApiaxAuthErrorCode } from '../src/index.js';
import { canary, expressVersions, listen, route } from './support/helpers.js';

const expectedStatus: Record<ApiaxAuthErrorCode, number> = {
  unreachable: 503,
  timeout: 503,
  server_error: 503,
  invalid_response: 503,
  invalid_credentials: 502,
  account_disabled: 502,
  account_not_set_up: 502,
  client_rejected: 502,
  assertion_rejected: 502,
  invalid_config: 500,
  origin_not_allowed: 500,
  closed: 500,
};
const codes = Object.keys(expectedStatus) as ApiaxAuthErrorCode[];

describe('toProblemDetails()', () => {
  it.each(codes)('maps %s to its status, with the message as detail', (code) => {
    const problem = toProblemDetails(new ApiaxAuthError(code, `message of ${code}`));
    expect(problem).toEqual({
      type: `https://github.com/apiax-auth/apiax-auth/tree/main/packages/core#${code}`,
      title: expect.any(String),
      status: expectedStatus[code],
      detail: `message of ${code}`,
      code,
    });
  });

  it('answers 503 for any error that says it is retryable', () => {
    expect(toProblemDetails(new ApiaxAuthError('closed', 'x', { retryable: true })).status).toBe(503);
  });

  it('answers 500 for a code this adapter does not know', () => {
    const error = new ApiaxAuthError('closed', 'from a newer core');
    Object.defineProperty(error, 'code', { value: 'brand_new_code' });
    expect(toProblemDetails(error)).toMatchObject({ status: 500, code: 'brand_new_code' });
  });
});

describe.each(expressVersions)('apiaxErrorHandler() on $version', ({ express }) => {
  async function serve(thrower: () => never, after?: ErrorRequestHandler) {
    const app = express();
    app.get(
      '/fail',
      route(async () => thrower()),
    );
    app.use(apiaxErrorHandler());
    if (after) app.use(after);
    return listen(app);
  }

  it.each(codes)('sends %s as application/problem+json', async (code) => {
    const url = await serve(() => {
      throw new ApiaxAuthError(code, `message of ${code}`, { status: 400, oauthError: 'invalid_grant' });
    });

    const response = await fetch(`${url}/fail`);

    expect(response.status).toBe(expectedStatus[code]);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      type: expect.stringMatching(new RegExp(`#${code}$`)),
      title: expect.any(String),
      status: expectedStatus[code],
      detail: `message of ${code}`,
      code,
    });
  });

  it('puts nothing but the listed fields in the body (no cause, no stack)', async () => {
    const secret = canary('token');
    const url = await serve(() => {
      throw new ApiaxAuthError('server_error', 'Apiax answered 503', { cause: { leaked: secret } });
    });

    const text = await (await fetch(`${url}/fail`)).text();

    expect(Object.keys(JSON.parse(text)).sort()).toEqual(['code', 'detail', 'status', 'title', 'type']);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('at ');
  });

  it('passes other errors to the next handler as the same object', async () => {
    const thrown = new TypeError('not an Apiax error');
    let received: unknown;
    const url = await serve(
      () => {
        throw thrown;
      },
      (error, _req, res, _next) => {
        received = error;
        res.status(418).end();
      },
    );

    expect((await fetch(`${url}/fail`)).status).toBe(418);
    expect(received).toBe(thrown);
  });

  it('leaves an Apiax error to Express once the response has started', async () => {
    let received: unknown;
    const app = express();
    app.get('/late', (_req, res, next) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
      next(new ApiaxAuthError('timeout', 'too late'));
    });
    app.use(apiaxErrorHandler());
    app.use(((error, _req, res, _next) => {
      received = error;
      res.end();
    }) satisfies ErrorRequestHandler);
    const url = await listen(app);

    const response = await fetch(`${url}/late`);

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('partial');
    expect(received).toBeInstanceOf(ApiaxAuthError);
  });
});
