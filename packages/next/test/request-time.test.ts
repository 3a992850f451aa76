import { startFakeApiax, type FakeApiax } from '@apiax-auth/testing';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createApiaxNext } from '../src/index.js';
import { CANARY_PASSWORD, closeRegisteredClients, evalRequest } from './support/apiax.js';

let fake: FakeApiax;
const phaseBefore = process.env.NEXT_PHASE;

beforeEach(async () => {
  fake = await startFakeApiax({ users: [{ username: 'demo', password: CANARY_PASSWORD }] });
});

afterEach(async () => {
  if (phaseBefore === undefined) delete process.env.NEXT_PHASE;
  else process.env.NEXT_PHASE = phaseBefore;
  await closeRegisteredClients();
  await fake.close();
});

describe('request time', () => {
  test('outside any request (scripts, instrumentation, tests) calls go through', async () => {
    const { apiax } = createApiaxNext({ env: { ...fake.env } });

    expect(typeof (await apiax.getAccessToken())).toBe('string');
    expect((await apiax.fetch('/api/v3/rules/eval', evalRequest())).status).toBe(200);
    expect(fake.stats.apiCalls).toBe(1);
  });

  test('during `next build`, a call outside a request fails clearly and sends nothing', async () => {
    process.env.NEXT_PHASE = 'phase-production-build';
    const { apiax, withApiax } = createApiaxNext({ env: { ...fake.env } });
    const route = withApiax(async (_request, context) => context.apiax.fetch('/api/v3/rules/eval', evalRequest()));

    const attempts = [
      apiax.fetch('/api/v3/rules/eval', evalRequest()),
      apiax.getAccessToken(),
      route(new Request('http://localhost/api/eval'), { params: Promise.resolve({}) }),
    ];
    for (const attempt of attempts) {
      await expect(attempt).rejects.toThrow(/during `next build`, outside a request/);
    }
    expect(fake.stats.tokenRequests).toBe(0);
    expect(fake.stats.apiCalls).toBe(0);
  });

  test("every request core sends (token endpoint and API) goes out with cache: no-store and without Next's cache options", async () => {
    const sent: { url: string; init: RequestInit & { cache?: string; next?: unknown } }[] = [];
    const recordingFetch: typeof fetch = (input, init = {}) => {
      sent.push({ url: input instanceof Request ? input.url : String(input), init });
      return fetch(input, init);
    };
    const { apiax } = createApiaxNext({ env: { ...fake.env }, fetch: recordingFetch });

    const init = { ...evalRequest(), cache: 'force-cache', next: { revalidate: 3600 } } as RequestInit;
    expect((await apiax.fetch('/api/v3/rules/eval', init)).status).toBe(200);

    expect(sent.some(({ url }) => url === fake.tokenEndpoint)).toBe(true);
    expect(sent.some(({ url }) => url.startsWith(fake.apiBaseUrl))).toBe(true);
    for (const { init: sentInit } of sent) {
      expect(sentInit.cache).toBe('no-store');
      expect(sentInit.next).toBeUndefined();
    }
  });
});
