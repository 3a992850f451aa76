import * as core from '@apiax-auth/core';
import { describe, expect, it } from 'vitest';
import * as adapter from '../src/index.js';
import { apiaxAuth, ApiaxAuthError } from '../src/index.js';
import { listen, startFake } from './support/helpers.js';
import express from 'express';

function configError(run: () => unknown): ApiaxAuthError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiaxAuthError);
    return error as ApiaxAuthError;
  }
  throw new Error('expected an invalid_config error');
}

describe('apiaxAuth() options', () => {
  it.each([[''], ['has space'], ['1st'], ['__proto__'], ['constructor'], [42]])(
    'refuses requestProperty %j at construction, naming the option',
    (requestProperty) => {
      const error = configError(() => apiaxAuth({ requestProperty: requestProperty as string, username: 'u', password: 'p', env: {} }));
      expect(error.code).toBe('invalid_config');
      expect(error.message).toContain('requestProperty');
    },
  );

  it('refuses a missing username at construction, naming the option', () => {
    const error = configError(() => apiaxAuth({ password: 'p', env: {} }));
    expect(error.code).toBe('invalid_config');
    expect(error.message).toContain('username');
  });

  it('refuses a plain-http API outside loopback at construction, naming the option', () => {
    const error = configError(() => apiaxAuth({ username: 'u', password: 'p', apiBaseUrl: 'http://rule-engine.example', env: {} }));
    expect(error.code).toBe('invalid_config');
    expect(error.message).toContain('apiBaseUrl');
  });

  it('reads APIAX_* variables when given no options (here through `env`)', async () => {
    const fake = await startFake();
    const middleware = apiaxAuth({ env: fake.env });
    const app = express();
    app.use(middleware);
    app.get('/token', async (req, res) => {
      res.json({ length: (await req.apiax.getAccessToken()).length });
    });
    const url = await listen(app);
    try {
      expect((await fetch(`${url}/token`)).status).toBe(200);
      expect(fake.stats.password).toBe(1);
    } finally {
      await middleware.auth.close();
    }
  });

  it('defaults requestProperty to "apiax" and exposes the core client', () => {
    const middleware = apiaxAuth({ username: 'u', password: 'p', env: {} });
    expect(middleware.requestProperty).toBe('apiax');
    expect(middleware.auth).toBeInstanceOf(core.ApiaxAuth);
    expect(middleware).toHaveLength(3);
    return middleware.auth.close();
  });

  it("re-exports core's runtime values as the same objects", () => {
    expect(adapter.ApiaxAuthError).toBe(core.ApiaxAuthError);
    expect(adapter.ApiaxAuth).toBe(core.ApiaxAuth);
    expect(adapter.MemoryTokenStore).toBe(core.MemoryTokenStore);
    expect(adapter.createApiaxAuth).toBe(core.createApiaxAuth);
  });
});
