import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApiaxAuthError, createApiaxAuth, type ApiaxAuthOptions } from '../src/index.js';
import { isLoopbackHost } from '../src/loopback.js';
import { DEFAULTS, resolveOptions } from '../src/options.js';
import { startHarness } from './support/harness.js';

const base: ApiaxAuthOptions = { env: {}, username: 'demo', password: 'demo' };

function configError(options: ApiaxAuthOptions): ApiaxAuthError {
  try {
    resolveOptions(options);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiaxAuthError);
    expect((error as ApiaxAuthError).code).toBe('invalid_config');
    expect((error as ApiaxAuthError).retryable).toBe(false);
    return error as ApiaxAuthError;
  }
  throw new Error('expected invalid_config');
}

describe('options: defaults', () => {
  it('points at production Apiax with the documented defaults', () => {
    const resolved = resolveOptions(base);
    expect(resolved.issuer).toBe('https://auth.apiax.io/auth/realms/apiax');
    expect(resolved.tokenEndpoint).toBe('https://auth.apiax.io/auth/realms/apiax/protocol/openid-connect/token');
    expect(resolved.logoutEndpoint).toBe('https://auth.apiax.io/auth/realms/apiax/protocol/openid-connect/logout');
    expect(resolved.apiBaseUrl.href).toBe('https://rule-engine.apiax.io/');
    expect([...resolved.allowedOrigins]).toEqual(['https://rule-engine.apiax.io']);
    expect(resolved.clientId).toBe('integration-api');
    expect(resolved.apiKey).toBeUndefined();
    expect(resolved.assertion).toBeUndefined();
    expect(resolved.refreshWindowMs).toBeUndefined();
    expect(resolved.expiryMarginMs).toBe(DEFAULTS.expiryMarginMs);
    expect(resolved.requestTimeoutMs).toBe(10_000);
    expect(resolved.maxRetries).toBe(4);
    expect(resolved.loginCooldownMs).toBe(300_000);
    expect(resolved.background).toBe(false);
    expect(resolved.now).toBe(Date.now);
  });

  it('derives the token endpoint from a custom issuer (trailing slash or not)', () => {
    expect(resolveOptions({ ...base, issuer: 'https://kc.example.com/auth/realms/x/' }).tokenEndpoint).toBe(
      'https://kc.example.com/auth/realms/x/protocol/openid-connect/token',
    );
  });

  it('reads every APIAX_* variable, options winning over the environment', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const env = {
      APIAX_USERNAME: 'env-user',
      APIAX_PASSWORD: 'env-pass',
      APIAX_CLIENT_ID: 'env-client',
      APIAX_ISSUER: 'https://kc.example.com/realms/r',
      APIAX_TOKEN_URL: 'https://tokens.example.com/token',
      APIAX_API_URL: 'https://api.example.com/v3',
      APIAX_API_KEY: 'env-key',
      // As pasted in a .env file: literal \n instead of line breaks.
      APIAX_ASSERTION_KEY: pem.replace(/\n/g, '\\n'),
      APIAX_ASSERTION_SUBJECT: 'MyCompany',
      APIAX_ASSERTION_ISSUER: 'MyIssuer',
    };
    const fromEnv = resolveOptions({ env });
    expect(fromEnv.username).toBe('env-user');
    expect(fromEnv.password).toBe('env-pass');
    expect(fromEnv.clientId).toBe('env-client');
    expect(fromEnv.issuer).toBe('https://kc.example.com/realms/r');
    expect(fromEnv.tokenEndpoint).toBe('https://tokens.example.com/token');
    expect(fromEnv.apiBaseUrl.href).toBe('https://api.example.com/v3');
    expect(fromEnv.apiKey).toBe('env-key');
    expect(fromEnv.assertion?.subject).toBe('MyCompany');
    expect(fromEnv.assertion?.issuer).toBe('MyIssuer');
    expect(fromEnv.assertion?.privateKey.type).toBe('private');

    const overridden = resolveOptions({ env, username: 'option-user', apiKey: 'option-key' });
    expect(overridden.username).toBe('option-user');
    expect(overridden.apiKey).toBe('option-key');
  });

  it('treats empty variables as unset', () => {
    const resolved = resolveOptions({ env: { APIAX_USERNAME: 'u', APIAX_PASSWORD: 'p', APIAX_API_KEY: '', APIAX_ISSUER: ' ' } });
    expect(resolved.apiKey).toBeUndefined();
    expect(resolved.issuer).toBe('https://auth.apiax.io/auth/realms/apiax');
  });

  it('in 2FA, the client id defaults to the assertion subject, and the issuer claim to the subject', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const resolved = resolveOptions({ ...base, assertion: { privateKey, subject: 'MyCompany' } });
    expect(resolved.clientId).toBe('MyCompany');
    expect(resolved.assertion?.issuer).toBe('MyCompany');
    expect(resolved.assertion?.lifetimeSeconds).toBe(60);
  });

  it('always allows the API origin, plus the configured ones, normalized to origins', () => {
    const resolved = resolveOptions({ ...base, allowedOrigins: ['https://other.example.com/some/path', 'http://localhost:8080'] });
    expect([...resolved.allowedOrigins].sort()).toEqual([
      'http://localhost:8080',
      'https://other.example.com',
      'https://rule-engine.apiax.io',
    ]);
  });
});

describe('options: validation names the option', () => {
  it.each([
    [{ env: {}, password: 'p' }, /username.*APIAX_USERNAME/],
    [{ env: {}, username: 'u' }, /password.*APIAX_PASSWORD/],
    [{ ...base, username: '' }, /username/],
    [{ ...base, issuer: 'not a url' }, /issuer \(APIAX_ISSUER\)/],
    [{ ...base, tokenEndpoint: 'http://auth.example.com/token' }, /tokenEndpoint \(APIAX_TOKEN_URL\).*https/],
    [{ ...base, apiBaseUrl: 'http://rule-engine.apiax.io' }, /apiBaseUrl \(APIAX_API_URL\)/],
    [{ ...base, apiBaseUrl: 'ftp://rule-engine.apiax.io' }, /apiBaseUrl/],
    [{ ...base, issuer: 'https://user:secret@auth.example.com/realms/x' }, /issuer.*credentials/],
    [{ ...base, allowedOrigins: ['http://evil.example.com'] }, /allowedOrigins\[0\]/],
    [{ ...base, allowedOrigins: 'https://x.io' as unknown as string[] }, /allowedOrigins/],
    [{ ...base, refreshWindowMs: -1 }, /refreshWindowMs/],
    [{ ...base, expiryMarginMs: Number.NaN }, /expiryMarginMs/],
    [{ ...base, requestTimeoutMs: 0 }, /requestTimeoutMs/],
    [{ ...base, maxRetries: 1.5 }, /maxRetries/],
    [{ ...base, maxRetries: -1 }, /maxRetries/],
    [{ ...base, loginCooldownMs: Number.POSITIVE_INFINITY }, /loginCooldownMs/],
    [{ ...base, retryBaseDelayMs: -5 }, /retryBaseDelayMs/],
    [{ ...base, background: 'yes' as unknown as boolean }, /background/],
    [{ ...base, fetch: 'fetch' as unknown as typeof fetch }, /fetch/],
    [{ ...base, now: 5 as unknown as () => number }, /now/],
    [{ ...base, logger: { info() {} } as unknown as Console }, /logger/],
    [{ ...base, store: { get() {} } as unknown as ApiaxAuthOptions['store'] }, /store/],
    [{ ...base, assertion: { privateKey: 'not a key', subject: 'S' } }, /assertion\.privateKey/],
    [
      { ...base, assertion: { privateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', subject: 'S' } },
      /assertion\.privateKey/,
    ],
    [{ ...base, assertion: { privateKey: { kty: 'RSA' }, subject: 'S' } }, /assertion\.privateKey/],
    [{ ...base, env: { APIAX_ASSERTION_SUBJECT: 'S' } }, /APIAX_ASSERTION_KEY/],
    [{ ...base, env: { APIAX_ASSERTION_KEY: 'x' } }, /APIAX_ASSERTION_SUBJECT/],
    // The same mistakes made in the environment name the variable too.
    [{ env: { APIAX_USERNAME: 'u' } }, /password.*APIAX_PASSWORD/],
    [{ ...base, env: { APIAX_ISSUER: 'auth.apiax.io/realms/apiax' } }, /issuer \(APIAX_ISSUER\).*valid absolute URL/],
    [{ ...base, env: { APIAX_TOKEN_URL: 'http://auth.example.com/token' } }, /tokenEndpoint \(APIAX_TOKEN_URL\).*https/],
    [{ ...base, env: { APIAX_API_URL: 'http://rule-engine.apiax.io' } }, /apiBaseUrl \(APIAX_API_URL\).*https/],
    [
      { ...base, env: { APIAX_ASSERTION_KEY: 'not a key', APIAX_ASSERTION_SUBJECT: 'S' } },
      /assertion\.privateKey \(APIAX_ASSERTION_KEY\).*not a readable private key/,
    ],
    [{ ...base, apiKey: 'key\r\nInjected: yes' }, /apiKey \(APIAX_API_KEY\).*header/],
    [{ ...base, env: { APIAX_API_KEY: 'key\nInjected: yes' } }, /apiKey \(APIAX_API_KEY\).*header/],
  ] as Array<[ApiaxAuthOptions, RegExp]>)('%#: %s', (options, message) => {
    expect(configError(options).message).toMatch(message);
  });

  it('refuses public, non-RSA and weak keys', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(configError({ ...base, assertion: { privateKey: rsa.publicKey, subject: 'S' } }).message).toMatch(/private/);
    expect(configError({ ...base, assertion: { privateKey: ec.privateKey, subject: 'S' } }).message).toMatch(/RSA/);
    expect(configError({ ...base, assertion: { privateKey: weak.privateKey, subject: 'S' } }).message).toMatch(/2048/);
    expect(configError({ ...base, assertion: { privateKey: rsa.privateKey, subject: '' } }).message).toMatch(/assertion\.subject/);
    expect(configError({ ...base, assertion: { privateKey: rsa.privateKey, subject: 'S', lifetimeSeconds: 0 } }).message).toMatch(
      /assertion\.lifetimeSeconds/,
    );
  });

  it('never puts the password, the API key or the private key in the error', () => {
    expect(configError({ ...base, apiKey: 'canary-api-key\r\nInjected: yes' }).message).not.toContain('canary-api-key');

    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const broken = pem.slice(0, 200);
    const error = configError({ ...base, password: 'canary-password-42', assertion: { privateKey: broken, subject: 'S' } });
    expect(JSON.stringify(error)).not.toContain('canary-password-42');
    expect(String(error.message)).not.toContain(broken.slice(40, 80));
  });
});

describe('options: loopback', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST', true],
    ['api.localhost', false],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['[::1]', true],
    ['::1', true],
    ['128.0.0.1', false],
    ['localhost.evil.com', false],
    ['127.0.0.1.nip.io', false],
    ['example.com', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  it('accepts http on loopback only', () => {
    expect(resolveOptions({ ...base, issuer: 'http://127.0.0.1:8080/auth/realms/apiax', apiBaseUrl: 'http://[::1]:9000' }).issuer).toBe(
      'http://127.0.0.1:8080/auth/realms/apiax',
    );
  });
});

describe('createApiaxAuth', () => {
  it.each([false, true])('sends nothing at construction, nor until first use (background: %s)', async (background) => {
    const { fake, client } = await startHarness();
    let requests = 0;
    const auth = client({
      background,
      fetch: async (input, init) => {
        requests += 1;
        return globalThis.fetch(input, init);
      },
    });
    expect(auth.status()).toEqual({
      state: 'signed-out',
      accessTokenExpiresAt: null,
      refreshTokenExpiresAt: null,
      grants: { password: 0, refresh: 0 },
      lastError: null,
      health: 'up',
      store: 'local',
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requests).toBe(0);
    expect(fake.stats.tokenRequests).toBe(0);
    // The first use is what sends the first (and only) request.
    await auth.getAccessToken();
    expect(requests).toBe(1);
    expect(fake.stats.tokenRequests).toBe(1);
  });

  it('throws invalid_config synchronously from the constructor', () => {
    expect(() => createApiaxAuth({ env: {} })).toThrowError(ApiaxAuthError);
    expect(() => createApiaxAuth({ env: {} })).toThrowError(/username/);
  });
});
