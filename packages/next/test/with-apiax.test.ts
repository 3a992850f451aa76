import { startFakeApiax, type FakeApiax } from '@apiax-auth/testing';
import type { NextRequest } from 'next/server.js';
import { afterEach, beforeEach, describe, expect, expectTypeOf, test } from 'vitest';
import { ApiaxAuthError, createApiaxNext, type ApiaxNextClient, type ApiaxRouteContext, type RouteHandler } from '../src/index.js';
import { CANARY_API_KEY, CANARY_PASSWORD, closeRegisteredClients, EVAL_QUERY } from './support/apiax.js';

let fake: FakeApiax;

beforeEach(async () => {
  fake = await startFakeApiax({ users: [{ username: 'demo', password: CANARY_PASSWORD }], apiKeys: [CANARY_API_KEY] });
});

afterEach(async () => {
  await closeRegisteredClients();
  await fake.close();
});

/** The route handler of the README: forwards the body to the rule engine. */
function evalRoute(withApiax: ReturnType<typeof createApiaxNext>['withApiax']) {
  return withApiax(async (request, { apiax }) => {
    const response = await apiax.fetch('/api/v3/rules/eval', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: await request.text(),
    });
    return Response.json(await response.json(), { status: response.status });
  });
}

function postEval(): Request {
  return new Request('http://localhost/api/eval', { method: 'POST', body: JSON.stringify(EVAL_QUERY) });
}

describe('withApiax', () => {
  test('hands the handler apiax next to the very params promise Next.js passed, and returns its response', async () => {
    const { apiax, withApiax } = createApiaxNext({ env: { ...fake.env } });
    const params = Promise.resolve({ regime: 'CHE' });
    const seen: ApiaxRouteContext<{ regime: string }>[] = [];
    const answer = new Response('ok', { status: 201 });
    const handler = withApiax<{ regime: string }>((_request, context) => {
      seen.push(context);
      return answer;
    });

    const response = await handler(new Request('http://localhost/api/rules/CHE'), { params });

    expect(response).toBe(answer);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.params).toBe(params);
    expect(seen[0]?.apiax).toBe(apiax);
    expect(fake.stats.tokenRequests).toBe(0); // wrapping costs no I/O
  });

  test('a wrapped handler reaches the rule engine; identical calls reach it each time, with one login', async () => {
    const { withApiax } = createApiaxNext({ env: { ...fake.env } });
    const POST = evalRoute(withApiax);

    const responses = [await POST(postEval(), { params: Promise.resolve({}) }), await POST(postEval(), { params: Promise.resolve({}) })];

    for (const response of responses) {
      expect(response.status).toBe(200);
      const body = (await response.json()) as { results: { regime: string; results: { path: string }[] }[] };
      expect(body.results[0]?.regime).toBe('CAN');
      expect(body.results[0]?.results[0]?.path).toContain('Custody and Payment Services');
    }
    expect(fake.stats.apiCalls).toBe(2);
    expect(fake.stats.password).toBe(1);
  });

  test('errors from core reach the handler as a typed ApiaxAuthError, and propagate when not caught', async () => {
    const { withApiax } = createApiaxNext({ env: { ...fake.env, APIAX_PASSWORD: 'wrong-password' } });
    const caught = withApiax(async (_request, { apiax }) => {
      try {
        await apiax.fetch('/api/v3/rules/eval', { method: 'POST', body: '{}' });
        return new Response(null, { status: 204 });
      } catch (error) {
        if (error instanceof ApiaxAuthError) return Response.json({ code: error.code }, { status: 502 });
        throw error;
      }
    });
    const uncaught = evalRoute(withApiax);

    const response = await caught(postEval(), { params: Promise.resolve({}) });
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ code: 'invalid_credentials' });
    await expect(uncaught(postEval(), { params: Promise.resolve({}) })).rejects.toMatchObject({
      name: 'ApiaxAuthError',
      code: 'invalid_credentials',
    });
    expect(fake.stats.failedLogins).toBe(1);
  });

  test("types: the context is Next's plus apiax, and the result fits what Next.js checks a route export against", () => {
    const { withApiax } = createApiaxNext({ env: { ...fake.env } });

    const untyped = withApiax(async (request, context) => {
      expectTypeOf(request).toEqualTypeOf<Request>();
      expectTypeOf(context.apiax).toEqualTypeOf<ApiaxNextClient>();
      expectTypeOf(context.params).toEqualTypeOf<Promise<Record<string, string | string[] | undefined>>>();
      return new Response();
    });
    const typed = withApiax(async (request: NextRequest, { params }: ApiaxRouteContext<{ regime: string }>) =>
      Response.json({ regime: (await params).regime, path: request.nextUrl.pathname }),
    );

    expectTypeOf(typed).toEqualTypeOf<RouteHandler<{ regime: string }, NextRequest>>();
    // What Next 16's generated validator (.next/types/validator.ts) requires of `POST`/`GET`:
    type NextRouteExport<Params> = (
      request: NextRequest,
      context: { params: Promise<Params> },
    ) => Promise<Response | void> | Response | void;
    expectTypeOf(typed).toExtend<NextRouteExport<{ regime: string }>>();
    expectTypeOf(untyped).toExtend<NextRouteExport<{}>>();
    expectTypeOf(untyped).toExtend<NextRouteExport<{ slug?: string[] }>>();
    expectTypeOf(typed).not.toExtend<NextRouteExport<{ other: string }>>();
  });
});
