import { startFakeApiax, type FakeApiax } from '@apiax-auth/testing';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ApiaxAuthError, createApiaxNext } from '../src/index.js';
import { clientRegistry, REGISTRY_SYMBOL } from '../src/registry.js';
import { CANARY_API_KEY, CANARY_PASSWORD, closeRegisteredClients, evalRequest } from './support/apiax.js';

let fake: FakeApiax;

beforeEach(async () => {
  fake = await startFakeApiax({
    users: [
      { username: 'demo', password: CANARY_PASSWORD },
      { username: 'other', password: 'other-password' },
    ],
    apiKeys: [CANARY_API_KEY],
  });
});

afterEach(async () => {
  await closeRegisteredClients();
  await fake.close();
});

describe('createApiaxNext', () => {
  test('creates nothing and sends nothing until the first call, so `next build` needs no credentials', async () => {
    const { apiax, withApiax } = createApiaxNext({ env: {} });
    expect(typeof withApiax).toBe('function');
    expect(clientRegistry().size).toBe(0);

    // The missing configuration surfaces at the first call, typed and naming the option.
    const error: unknown = await apiax.fetch('/api/v3/rules/eval', evalRequest()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiaxAuthError);
    expect(error).toMatchObject({ code: 'invalid_config' });
    expect((error as Error).message).toMatch(/username|password/i);
    expect(fake.stats.tokenRequests).toBe(0);
  });

  test('calls with the same options share one client and one login, whatever the property order', async () => {
    const first = createApiaxNext({ env: { ...fake.env } });
    const reordered = Object.fromEntries(Object.entries({ ...fake.env }).reverse());
    const second = createApiaxNext({ env: reordered });

    expect(second.apiax.auth).toBe(first.apiax.auth);
    expect((await first.apiax.fetch('/api/v3/rules/eval', evalRequest())).status).toBe(200);
    expect((await second.apiax.fetch('/api/v3/rules/eval', evalRequest())).status).toBe(200);
    expect(fake.stats.password).toBe(1);
    expect(fake.stats.apiCalls).toBe(2);
    expect(clientRegistry().size).toBe(1);
  });

  test('another account or another endpoint gets its own client', () => {
    const demo = createApiaxNext({ env: { ...fake.env } }).apiax.auth;
    const other = createApiaxNext({ env: { ...fake.env, APIAX_USERNAME: 'other', APIAX_PASSWORD: 'other-password' } }).apiax.auth;
    const explicitUsername = createApiaxNext({ env: { ...fake.env }, username: 'other', password: 'other-password' }).apiax.auth;
    const otherApi = createApiaxNext({ env: { ...fake.env, APIAX_API_URL: 'http://localhost:1' } }).apiax.auth;

    expect(new Set([demo, other, otherApi]).size).toBe(3);
    expect(explicitUsername).not.toBe(demo);
    expect(clientRegistry().size).toBe(4);
  });

  test('the registry lives on globalThis under Symbol.for, keyed by a hash that holds no secret', () => {
    createApiaxNext({ env: { ...fake.env } }).apiax.auth;
    createApiaxNext({ env: { ...fake.env }, password: CANARY_PASSWORD, apiKey: CANARY_API_KEY }).apiax.auth;

    const registry = (globalThis as Record<symbol, unknown>)[Symbol.for('@apiax-auth/next')];
    expect(REGISTRY_SYMBOL).toBe(Symbol.for('@apiax-auth/next'));
    expect(registry).toBe(clientRegistry());
    const keys = [...clientRegistry().keys()];
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(key).not.toContain(CANARY_PASSWORD);
      expect(key).not.toContain(CANARY_API_KEY);
    }
  });

  test('a hot reload re-evaluates the modules but keeps the client, so there is no second login', async () => {
    const before = await import('../src/index.js');
    const clientBefore = before.createApiaxNext({ env: { ...fake.env } }).apiax;
    await clientBefore.fetch('/api/v3/rules/eval', evalRequest());

    vi.resetModules();
    const after = await import('../src/index.js');
    expect(after.createApiaxNext).not.toBe(before.createApiaxNext); // really a second copy of the module
    const clientAfter = after.createApiaxNext({ env: { ...fake.env } }).apiax;

    expect(clientAfter.auth).toBe(clientBefore.auth);
    expect((await clientAfter.fetch('/api/v3/rules/eval', evalRequest())).status).toBe(200);
    expect(fake.stats.password).toBe(1);
    expect(fake.stats.apiCalls).toBe(2);
  });

  test("errors of a client created by another copy of the modules are this copy's ApiaxAuthError", async () => {
    const wrong = { env: { ...fake.env, APIAX_USERNAME: 'other', APIAX_PASSWORD: 'wrong-password' } };
    const before = await import('../src/index.js');
    before.createApiaxNext(wrong).apiax.auth; // the client now comes from the first copy of core

    vi.resetModules();
    const after = await import('../src/index.js');
    expect(after.ApiaxAuthError).not.toBe(before.ApiaxAuthError);
    const error: unknown = await after
      .createApiaxNext(wrong)
      .apiax.getAccessToken()
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(after.ApiaxAuthError);
    expect(error).toMatchObject({ code: 'invalid_credentials', retryable: false });
  });

  test('a wrong password fails once, typed, and is never sent again', async () => {
    const { apiax } = createApiaxNext({ env: { ...fake.env, APIAX_USERNAME: 'other', APIAX_PASSWORD: CANARY_PASSWORD } });

    const first: unknown = await apiax.fetch('/api/v3/rules/eval', evalRequest()).catch((caught: unknown) => caught);
    const second: unknown = await apiax.getAccessToken().catch((caught: unknown) => caught);

    for (const error of [first, second]) {
      expect(error).toBeInstanceOf(ApiaxAuthError);
      expect(error).toMatchObject({ code: 'invalid_credentials', retryable: false });
      expect(`${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`).not.toContain(CANARY_PASSWORD);
    }
    expect(fake.stats.failedLogins).toBe(1);
    expect(fake.stats.apiCalls).toBe(0);
  });

  test('closing the client unregisters it: the next call creates a new one (and logs in again)', async () => {
    const { apiax } = createApiaxNext({ env: { ...fake.env } });
    const closed = apiax.auth;
    await apiax.getAccessToken();
    await closed.close();

    expect(clientRegistry().size).toBe(0);
    expect(apiax.auth).not.toBe(closed);
    expect((await apiax.fetch('/api/v3/rules/eval', evalRequest())).status).toBe(200);
    expect(fake.stats.password).toBe(2);
  });

  test('status() and errors stay free of secrets', async () => {
    const { apiax } = createApiaxNext({ env: { ...fake.env } });
    await apiax.fetch('/api/v3/rules/eval', evalRequest());

    const status = JSON.stringify(apiax.auth.status());
    expect(status).not.toContain(CANARY_PASSWORD);
    expect(status).not.toContain(CANARY_API_KEY);
    expect(status).not.toMatch(/eyJ[\w-]+\.eyJ/);
    expect(apiax.auth.status()).toMatchObject({ state: 'valid', grants: { password: 1, refresh: 0 } });
  });
});
