import { generateKeyPairSync } from 'node:crypto';
import { MemoryTokenStore } from '@apiax-auth/core';
import { describe, expect, test } from 'vitest';
import { registryKey } from '../src/registry-key.js';

const env = { APIAX_USERNAME: 'demo', APIAX_PASSWORD: 'secret-password', APIAX_API_URL: 'http://127.0.0.1:1' };

describe('registryKey', () => {
  test('is a SHA-256 in hex: no option, password included, can be read from it', () => {
    const key = registryKey({ env, password: 'another-secret', apiKey: 'secret-key' });
    expect(key).toMatch(/^[0-9a-f]{64}$/);
  });

  test('is stable across property order and ignores variables core does not read', () => {
    const reordered = Object.fromEntries(Object.entries(env).reverse());
    const processEnvLike: NodeJS.ProcessEnv = { ...env, PATH: '/bin', HOME: '/root' };
    expect(registryKey({ env: reordered, username: 'a', apiBaseUrl: 'http://127.0.0.1:2' })).toBe(
      registryKey({ apiBaseUrl: 'http://127.0.0.1:2', username: 'a', env: processEnvLike }),
    );
    expect(registryKey({ env, username: undefined })).toBe(registryKey({ env }));
  });

  test('changes with any option or APIAX_* variable that changes the account or an endpoint', () => {
    const base = registryKey({ env });
    const variants = [
      registryKey({ env: { ...env, APIAX_PASSWORD: 'other' } }),
      registryKey({ env: { ...env, APIAX_CLIENT_ID: 'other-client' } }),
      registryKey({ env, username: 'other' }),
      registryKey({ env, allowedOrigins: ['http://127.0.0.1:3'] }),
      registryKey({ env, refreshWindowMs: 1000 }),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });

  test('defaults to process.env, where it reads the APIAX_* variables only', () => {
    const saved = process.env.APIAX_USERNAME;
    try {
      process.env.APIAX_USERNAME = 'from-process-env';
      expect(registryKey({})).toBe(registryKey({ env: { APIAX_USERNAME: 'from-process-env', ...onlyApiax(process.env) } }));
    } finally {
      if (saved === undefined) delete process.env.APIAX_USERNAME;
      else process.env.APIAX_USERNAME = saved;
    }
  });

  test('counts functions and class instances by kind, so fresh ones after a hot reload keep the key', () => {
    const first = registryKey({ env, now: () => 1, fetch: (...args) => fetch(...args), store: new MemoryTokenStore() });
    const reloaded = registryKey({ env, now: () => 2, fetch: (...args) => fetch(...args), store: new MemoryTokenStore() });
    expect(reloaded).toBe(first);
    expect(registryKey({ env, store: new MemoryTokenStore() })).not.toBe(registryKey({ env }));
  });

  test('hashes 2FA key material by value, whether PEM or KeyObject', () => {
    const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const keyA = pair();
    const keyB = pair();
    const asPem = (key: typeof keyA) => key.export({ format: 'pem', type: 'pkcs8' }).toString();
    const assertion = (privateKey: string | typeof keyA) => ({ env, assertion: { privateKey, subject: 'MyCompany' } });

    expect(registryKey(assertion(keyA))).toBe(registryKey(assertion(keyA)));
    expect(registryKey(assertion(keyA))).not.toBe(registryKey(assertion(keyB)));
    expect(registryKey(assertion(asPem(keyA)))).not.toBe(registryKey(assertion(asPem(keyB))));
  });
});

function onlyApiax(source: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(source).filter((entry): entry is [string, string] => entry[0].startsWith('APIAX_') && entry[1] !== undefined),
  );
}
