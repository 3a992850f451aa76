import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ApiaxAuthError, createApiaxAuth } from '../src/index.js';
import { hostileClient, startHostileServer, hang } from './support/hostile-server.js';

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function configError(options: Record<string, unknown>): ApiaxAuthError {
  try {
    createApiaxAuth({ env: {}, username: 'u', password: 'p', ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(ApiaxAuthError);
    return error as ApiaxAuthError;
  }
  throw new Error('expected invalid_config');
}

// Issue 17 item 8: errors that say where and why.
describe('errors say where and why, never with a credential or a query string', () => {
  it('unreachable names the host and the system error (connect ECONNREFUSED), not the path or query', async () => {
    const port = await closedPort();
    const origin = `http://127.0.0.1:${port}`;
    const auth = createApiaxAuth({
      env: {},
      username: 'demo',
      password: 'demo-password',
      issuer: `${origin}/auth/realms/apiax`,
      tokenEndpoint: `${origin}/auth/realms/apiax/protocol/openid-connect/token?tenant=secret-tenant-q`,
      apiBaseUrl: origin,
      maxRetries: 0,
      logger: false,
    });
    const error = (await auth.getAccessToken().then(
      () => undefined,
      (thrown: unknown) => thrown,
    )) as ApiaxAuthError;
    await auth.close();
    expect(error).toMatchObject({ code: 'unreachable' });
    expect(error.message).toContain(`POST 127.0.0.1:${port}: connect ECONNREFUSED`);
    expect(error.message).not.toContain('secret-tenant-q');
    expect(error.message).not.toContain('/protocol/');
  });

  it('a TLS failure is named: https to a server that speaks plain http', async () => {
    const server = await startHostileServer(hang);
    const httpsOrigin = server.origin.replace('http:', 'https:');
    const auth = createApiaxAuth({
      env: {},
      username: 'demo',
      password: 'demo-password',
      issuer: `${httpsOrigin}/auth/realms/apiax`,
      apiBaseUrl: httpsOrigin,
      maxRetries: 0,
      logger: false,
    });
    const error = (await auth.getAccessToken().then(
      () => undefined,
      (thrown: unknown) => thrown,
    )) as ApiaxAuthError;
    await auth.close();
    expect(error).toMatchObject({ code: 'unreachable' });
    expect(error.message).toMatch(new RegExp(`POST 127\\.0\\.0\\.1:${new URL(server.origin).port}: [A-Z_]*(SSL|TLS)[A-Z_]*`));
  });

  it('a DNS failure from a custom fetch names getaddrinfo ENOTFOUND and the host', async () => {
    const server = await startHostileServer(hang);
    const auth = hostileClient(server, {
      maxRetries: 0,
      fetch: async () => {
        const cause = Object.assign(new Error('getaddrinfo ENOTFOUND auth.example.com'), { code: 'ENOTFOUND', syscall: 'getaddrinfo' });
        throw new TypeError('fetch failed', { cause });
      },
    });
    const error = (await auth.getAccessToken().then(
      () => undefined,
      (thrown: unknown) => thrown,
    )) as ApiaxAuthError;
    expect(error.message).toContain(`POST 127.0.0.1:${new URL(server.origin).port}: getaddrinfo ENOTFOUND`);
  });

  it.each([
    [{ apikey: 'k' }, 'apikey is not an option (did you mean apiKey?)'],
    [{ tokenUrl: 'https://x.example' }, 'tokenUrl is not an option'],
    [{ requestTimeout: 5 }, 'requestTimeout is not an option (did you mean requestTimeoutMs?)'],
    [{ userName: 'u' }, 'userName is not an option (did you mean username?)'],
    [{ assertion: { privatekey: 'x', subject: 's' } }, 'assertion.privatekey is not an option (did you mean assertion.privateKey?)'],
  ])('an unknown option %j is refused with invalid_config naming the closest one', (options, message) => {
    const error = configError(options);
    expect(error.code).toBe('invalid_config');
    expect(error.message).toContain(message);
  });

  it('http://api.localhost is refused: only literal loopback addresses and localhost count (issue 13 item 9)', () => {
    const error = configError({ issuer: 'http://api.localhost:8080/auth/realms/apiax' });
    expect(error.code).toBe('invalid_config');
    expect(error.message).toContain('api.localhost');
    expect(() =>
      createApiaxAuth({ env: {}, username: 'u', password: 'p', issuer: 'http://localhost:8080/r', apiBaseUrl: 'http://127.0.0.1:1' }),
    ).not.toThrow();
  });
});
