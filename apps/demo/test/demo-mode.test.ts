import { describe, expect, it } from 'vitest';
import { appEnvironment, DemoConfigError, resolveDemoMode } from '../src/orchestrator/demo-mode.js';

const fakeEnv = {
  APIAX_ISSUER: 'http://127.0.0.1:4000/auth/realms/apiax',
  APIAX_TOKEN_URL: 'http://127.0.0.1:4000/auth/realms/apiax/protocol/openid-connect/token',
  APIAX_API_URL: 'http://127.0.0.1:4001',
  APIAX_USERNAME: 'demo',
  APIAX_PASSWORD: 'fake-password',
  APIAX_API_KEY: 'demo-api-key',
};

describe('resolveDemoMode', () => {
  it('uses the embedded fake without credentials, the real Apiax with both', () => {
    expect(resolveDemoMode({})).toBe('fake');
    expect(resolveDemoMode({ APIAX_USERNAME: 'me', APIAX_PASSWORD: 'secret' })).toBe('real');
  });

  it('refuses half a set of credentials, naming the missing one, and never echoes the password', () => {
    expect(() => resolveDemoMode({ APIAX_USERNAME: 'me' })).toThrow(DemoConfigError);
    expect(() => resolveDemoMode({ APIAX_USERNAME: 'me' })).toThrow(/APIAX_PASSWORD is not set/);
    let message = '';
    try {
      resolveDemoMode({ APIAX_PASSWORD: 'canary-secret-91' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/APIAX_USERNAME is not set/);
    expect(message).not.toContain('canary-secret-91');
  });
});

describe('appEnvironment', () => {
  it('points every APIAX_* variable at the fake, whatever the shell had', () => {
    const env = appEnvironment(
      { PATH: '/bin', APIAX_ISSUER: 'https://elsewhere.example', APIAX_ASSERTION_KEY: 'pem', APIAX_CLIENT_ID: 'other' },
      'fake',
      { env: fakeEnv, adminUrl: 'http://127.0.0.1:4000' },
    );
    expect(env.APIAX_ISSUER).toBe(fakeEnv.APIAX_ISSUER);
    expect(env.APIAX_ASSERTION_KEY).toBeUndefined();
    expect(env.APIAX_CLIENT_ID).toBeUndefined();
    expect(env.PATH).toBe('/bin');
    expect(env.DEMO_MODE).toBe('fake');
    expect(env.DEMO_FAKE_ADMIN_URL).toBe('http://127.0.0.1:4000');
    expect(env.DEMO_SESSION_MAX_SECONDS).toBe('600');
  });

  it('passes the real credentials and 2FA settings through untouched', () => {
    const real = { APIAX_USERNAME: 'me', APIAX_PASSWORD: 'secret', APIAX_ASSERTION_SUBJECT: 'Acme', DEMO_FAKE_ADMIN_URL: 'stale' };
    const env = appEnvironment(real, 'real', null);
    expect(env.APIAX_ASSERTION_SUBJECT).toBe('Acme');
    expect(env.APIAX_PASSWORD).toBe('secret');
    expect(env.DEMO_MODE).toBe('real');
    expect(env.DEMO_FAKE_ADMIN_URL).toBeUndefined();
    expect(env.DEMO_SESSION_MAX_SECONDS).toBe(String(14 * 24 * 3600));
  });
});
