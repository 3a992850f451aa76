import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestClock, startFakeApiax, type FakeApiax, type TestClock } from '@apiax-auth/testing';
import { createApiaxAuth, type ApiaxAuth, type ApiaxAuthOptions } from '../src/index.js';

const EVAL_QUERY = {
  products: [{ productId: 'Custody and Payment Services', familyId: 'Financial Services' }],
  regimes: ['CAN'],
  versionFilter: 'latest',
  attributes: [{ name: 'clientStatus', value: '*(prospect|existingClient)' }],
};

let clock: TestClock;
let fake: FakeApiax;
const clients: ApiaxAuth[] = [];

beforeEach(async () => {
  clock = createTestClock();
  fake = await startFakeApiax({
    users: [{ username: 'demo', password: 'canary-password' }],
    apiKeys: ['canary-api-key'],
    now: clock.now,
  });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await fake.close();
});

function createClient(overrides: ApiaxAuthOptions = {}): ApiaxAuth {
  const client = createApiaxAuth({ env: { ...fake.env }, now: clock.now, ...overrides });
  clients.push(client);
  return client;
}

function evaluate(auth: ApiaxAuth, init: RequestInit = {}): Promise<Response> {
  return auth.fetch('/api/v3/rules/eval', { method: 'POST', body: JSON.stringify(EVAL_QUERY), ...init });
}

describe('auth.fetch against the fake Apiax', () => {
  it('calls the rule engine with a relative URL, the token and the API key', async () => {
    const auth = createClient();
    const response = await evaluate(auth);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { results: { results: { actions: unknown[] }[] }[] };
    expect(body.results[0]?.results[0]?.actions.length).toBeGreaterThan(0);
    expect(fake.stats).toMatchObject({ password: 1, refresh: 0, apiCalls: 1, rejectedApiCalls: 0 });
  });

  it('is refused by the rule engine without the API key, which shows the key is what fetch sends', async () => {
    const auth = createClient({ env: { ...fake.env, APIAX_API_KEY: undefined } });
    expect((await evaluate(auth)).status).toBe(403);
    expect(fake.stats).toMatchObject({ apiCalls: 1, rejectedApiCalls: 1 });
  });

  it('refuses a foreign origin, even the auth server, without logging in', async () => {
    const auth = createClient();
    await expect(auth.fetch('https://example.com/api/v3/rules/eval')).rejects.toMatchObject({ code: 'origin_not_allowed' });
    await expect(auth.fetch(`${fake.issuer}/account`)).rejects.toMatchObject({ code: 'origin_not_allowed' });
    expect(fake.stats.tokenRequests).toBe(0);
    expect(fake.stats.apiCalls).toBe(0);
  });

  it('after every session ended: 401, the forced refresh fails, one login, one replay', async () => {
    const auth = createClient();
    await evaluate(auth);
    fake.endAllSessions();
    const response = await evaluate(auth);
    expect(response.status).toBe(200);
    expect(fake.stats).toMatchObject({ password: 2, refresh: 1, failedRefreshes: 1, failedLogins: 0, apiCalls: 3, rejectedApiCalls: 1 });
  });

  it('100 concurrent calls rejected after the sessions ended share one refresh and one login', async () => {
    const auth = createClient();
    await evaluate(auth);
    fake.endAllSessions();
    const responses = await Promise.all(Array.from({ length: 100 }, () => evaluate(auth)));
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(fake.stats).toMatchObject({ password: 2, refresh: 1, rejectedApiCalls: 100, apiCalls: 201 });
  });

  it('100 concurrent calls rejected for a token the server deems expired share one refresh, no login', async () => {
    const auth = createClient();
    await evaluate(auth);
    // Only the fake's clock moves: the client still trusts its token (clock skew), the API does not.
    fake.advance(1801);
    const responses = await Promise.all(Array.from({ length: 100 }, () => evaluate(auth)));
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(fake.stats).toMatchObject({ password: 1, refresh: 1, failedRefreshes: 0, rejectedApiCalls: 100, maxConcurrentRefreshes: 1 });
  });

  it('returns the 401 of a stream body as is, and the next call works without another login', async () => {
    const auth = createClient();
    await evaluate(auth);
    fake.endAllSessions();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify(EVAL_QUERY)));
        controller.close();
      },
    });
    const response = await auth.fetch('/api/v3/rules/eval', { method: 'POST', body: stream, duplex: 'half' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('invalid_token');
    expect(fake.stats).toMatchObject({ apiCalls: 2, rejectedApiCalls: 1 });

    expect((await evaluate(auth)).status).toBe(200);
    expect(fake.stats).toMatchObject({ password: 2, apiCalls: 3, rejectedApiCalls: 1 });
  });

  it('fails with closed after close, sending nothing', async () => {
    const auth = createClient();
    await auth.close();
    await expect(evaluate(auth)).rejects.toMatchObject({ code: 'closed' });
    expect(fake.stats).toMatchObject({ tokenRequests: 0, apiCalls: 0 });
  });
});
