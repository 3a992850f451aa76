import { describe, expect, it } from 'vitest';
import { createTestClock } from '../src/index.js';
import { callApi, EVAL_BODY, login, postForm, startFake } from './support/helpers.js';

describe('rule engine API', () => {
  it('evaluates: echoes regimes and products into results[*].results[*].actions and path', async () => {
    const fake = await startFake();
    const { body: tokens } = await login(fake);
    const response = await callApi(fake, tokens.access_token, {}, '/api/v3/rules/eval', {
      ...EVAL_BODY,
      regimes: ['CAN', 'CHE'],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      results: { regime: string; results: { path: string; actions: Record<string, unknown>[] }[] }[];
    };
    expect(body.results.map((result) => result.regime)).toEqual(['CAN', 'CHE']);
    expect(body.results[0]!.results[0]!.path).toContain('Custody and Payment Services');
    for (const result of body.results) {
      expect(result.results[0]!.actions[0]).toMatchObject({
        regime: result.regime,
        productId: 'Custody and Payment Services',
        familyId: 'Financial Services',
      });
    }
    // Deterministic: the same body gets the same answer.
    const again = await callApi(fake, tokens.access_token, {}, '/api/v3/rules/eval', { ...EVAL_BODY, regimes: ['CAN', 'CHE'] });
    expect(await again.json()).toEqual(body);
    expect(fake.stats).toMatchObject({ apiCalls: 2, rejectedApiCalls: 0 });
  });

  it('inspects: properties, ruleSets (id, version, country) and concepts', async () => {
    const fake = await startFake();
    const { body: tokens } = await login(fake);
    const response = await callApi(fake, tokens.access_token, {}, '/api/v3/rules/inspect', {
      config: { debug: true, correlationId: 'corr-1', withConcepts: true, analyzeActions: true },
      products: [],
      versionFilter: 'latest',
      regimes: [],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, any>;
    expect(body.correlationId).toBe('corr-1');
    expect(body.properties).toMatchObject({ debug: true, versionFilter: 'latest' });
    expect(body.ruleSets.length).toBeGreaterThan(0);
    for (const ruleSet of body.ruleSets) {
      expect(ruleSet).toEqual({ id: expect.any(String), version: expect.any(String), country: expect.any(String) });
    }
    expect(body.concepts.length).toBeGreaterThan(0);
  });

  it('refuses a missing, garbage, foreign or expired bearer with 401 and WWW-Authenticate invalid_token', async () => {
    const clock = createTestClock();
    const fake = await startFake({ now: clock.now });
    const other = await startFake({ now: clock.now });
    const { body: tokens } = await login(fake);
    const { body: foreign } = await login(other);

    const cases = [undefined, 'garbage', foreign.access_token as string];
    expect((await callApi(fake, tokens.access_token)).status).toBe(200);
    clock.advance(1800);
    for (const token of [...cases, tokens.access_token as string]) {
      const response = await callApi(fake, token);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(await response.json()).toMatchObject({ error: 'invalid_token' });
    }
    expect(fake.stats).toMatchObject({ apiCalls: 5, rejectedApiCalls: 4 });
  });

  it('refuses a token whose session was logged out', async () => {
    const fake = await startFake();
    const { body: tokens } = await login(fake);
    expect((await callApi(fake, tokens.access_token)).status).toBe(200);
    await postForm(`${fake.issuer}/protocol/openid-connect/logout`, {
      client_id: 'integration-api',
      refresh_token: tokens.refresh_token,
    });
    expect((await callApi(fake, tokens.access_token)).status).toBe(401);
  });

  it('requires a configured Apikey: missing or unknown → 403, after the bearer check', async () => {
    const fake = await startFake({ apiKeys: ['key-1', 'key-2'] });
    const { body: tokens } = await login(fake);
    for (const headers of [{}, { apikey: 'nope' }] as Record<string, string>[]) {
      const refused = await callApi(fake, tokens.access_token, headers);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('www-authenticate')).toBeNull(); // the token was fine: no Bearer challenge
      expect(await refused.json()).toMatchObject({ error: 'forbidden' });
    }
    expect((await callApi(fake, tokens.access_token, { apikey: 'key-2' })).status).toBe(200);
    expect((await callApi(fake, 'garbage', { apikey: 'key-1' })).status).toBe(401);
    expect(fake.stats).toMatchObject({ apiCalls: 4, rejectedApiCalls: 3 });
  });

  it('ignores Apikey when no apiKeys are configured', async () => {
    const fake = await startFake();
    const { body: tokens } = await login(fake);
    expect((await callApi(fake, tokens.access_token, { apikey: 'anything' })).status).toBe(200);
  });

  it('answers 404 JSON for an unknown path, 405 for a wrong method, 400 for a non-JSON body', async () => {
    const fake = await startFake();
    const { body: tokens } = await login(fake);
    const missing = await callApi(fake, tokens.access_token, {}, '/api/v3/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
    const get = await fetch(`${fake.apiBaseUrl}/api/v3/rules/eval`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(get.status).toBe(405);
    const notJson = await fetch(`${fake.apiBaseUrl}/api/v3/rules/eval`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(notJson.status).toBe(400);
  });

  it('does not serve the token endpoint on the API origin (separate origins)', async () => {
    const fake = await startFake();
    const response = await postForm(`${fake.apiBaseUrl}/auth/realms/apiax/protocol/openid-connect/token`, {
      grant_type: 'password',
    });
    expect(response.status).toBe(404);
  });
});
