import { describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { ApiaxAuthError, type ApiaxAssertionOptions } from '../src/index.js';
import { recordingFetch, rsaKeyPair, startHarness, type RecordedRequest } from './support/harness.js';

const SUBJECT = 'MyCompany';

async function twoFactorHarness() {
  const keys = rsaKeyPair();
  const harness = await startHarness({
    users: [{ username: 'alice', password: 'alice-pw', assertion: { publicKey: keys.publicKey, subject: SUBJECT } }],
  });
  return { ...harness, keys };
}

function assertionOf(request: RecordedRequest): string {
  const assertion = request.form!.get('client_assertion');
  expect(assertion).toBeTruthy();
  return assertion!;
}

describe('2FA: password + signed client assertion', () => {
  it('signs a fresh RS256 assertion for login, refresh and logout, without client_id', async () => {
    const { fake, clock, client, keys } = await twoFactorHarness();
    const { fetch, requests } = recordingFetch();
    const auth = client({ fetch, assertion: { privateKey: keys.privateKey, subject: SUBJECT } });

    const loginAt = Math.floor(clock.now() / 1000);
    await auth.getAccessToken();
    clock.advance(29 * 60);
    await auth.getAccessToken({ forceRefresh: true });
    await auth.close({ logout: true });
    expect(requests.map((request) => decodeJwt(assertionOf(request)).iat)).toEqual([loginAt, loginAt + 29 * 60, loginAt + 29 * 60]);

    expect(requests.map((request) => request.form!.get('grant_type') ?? 'logout')).toEqual(['password', 'refresh_token', 'logout']);
    expect(fake.stats).toMatchObject({ password: 1, refresh: 1, logouts: 1, failedLogins: 0, failedRefreshes: 0 });

    const jtis = new Set<string>();
    for (const request of requests) {
      expect(request.form!.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      expect(request.form!.has('client_id')).toBe(false);
      const assertion = assertionOf(request);
      expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'RS256', typ: 'JWT' });
      const { payload } = await jwtVerify(assertion, keys.publicKey, {
        algorithms: ['RS256'],
        issuer: SUBJECT,
        subject: SUBJECT,
        audience: fake.tokenEndpoint,
        // Each was signed at its own request's time on the shared clock.
        currentDate: new Date(decodeJwt(assertion).iat! * 1000),
      });
      expect(payload.exp! - payload.iat!).toBe(60);
      expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
      jtis.add(payload.jti!);
    }
    expect(jtis.size).toBe(3);
    expect(requests[0]!.form!.get('username')).toBe('alice');
    expect(requests[0]!.form!.get('password')).toBe('alice-pw');
  });

  it.each<[string, (keys: ReturnType<typeof rsaKeyPair>) => ApiaxAssertionOptions['privateKey']]>([
    ['a KeyObject', (keys) => keys.privateKey],
    ['a PKCS#8 PEM', (keys) => keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()],
    ['a PKCS#1 PEM', (keys) => keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()],
    ['a private JWK', (keys) => keys.privateKey.export({ format: 'jwk' })],
  ])('logs in with %s', async (_label, keyOf) => {
    const { fake, client, keys } = await twoFactorHarness();
    const auth = client({ assertion: { privateKey: keyOf(keys), subject: SUBJECT } });
    await expect(auth.getAccessToken()).resolves.toMatch(/^eyJ/);
    expect(fake.stats.password).toBe(1);
  });

  it('reads the assertion from APIAX_ASSERTION_KEY / _SUBJECT / _ISSUER', async () => {
    const keys = rsaKeyPair();
    const { fake, client } = await startHarness({
      users: [{ username: 'alice', password: 'alice-pw', assertion: { publicKey: keys.publicKey, subject: SUBJECT, issuer: 'Issuer-X' } }],
    });
    const pem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const auth = client({
      username: undefined,
      password: undefined,
      env: {
        APIAX_USERNAME: 'alice',
        APIAX_PASSWORD: 'alice-pw',
        APIAX_ASSERTION_KEY: pem,
        APIAX_ASSERTION_SUBJECT: SUBJECT,
        APIAX_ASSERTION_ISSUER: 'Issuer-X',
      },
    });
    await auth.getAccessToken();
    expect(fake.stats.password).toBe(1);
  });

  it('a client_id left over from 1FA does not break 2FA (it is not sent)', async () => {
    const { fake, client, keys } = await twoFactorHarness();
    const auth = client({ clientId: 'integration-api', assertion: { privateKey: keys.privateKey, subject: SUBJECT } });
    await auth.getAccessToken();
    expect(fake.stats.password).toBe(1);
  });

  it('a wrong key fails once with assertion_rejected and is not retried', async () => {
    const { fake, client } = await twoFactorHarness();
    const auth = client({ assertion: { privateKey: rsaKeyPair().privateKey, subject: SUBJECT } });
    const failures = await Promise.allSettled(Array.from({ length: 50 }, () => auth.getAccessToken()));
    const errors = failures.map((failure) => (failure as PromiseRejectedResult).reason as ApiaxAuthError);
    expect(new Set(errors).size).toBe(1);
    expect(errors[0]).toBeInstanceOf(ApiaxAuthError);
    expect(errors[0]!.code).toBe('assertion_rejected');
    expect(errors[0]!.oauthError).toBe('invalid_client');
    expect(fake.stats.tokenRequests).toBe(1);
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'assertion_rejected' });
    expect(fake.stats.tokenRequests).toBe(1);
  });

  it('an unknown subject is an unknown client to Keycloak: client_rejected, sent once', async () => {
    const { fake, client, keys } = await twoFactorHarness();
    const auth = client({ assertion: { privateKey: keys.privateKey, subject: 'SomeoneElse' } });
    await expect(auth.getAccessToken()).rejects.toMatchObject({
      code: 'client_rejected',
      oauthError: 'unauthorized_client',
      retryable: false,
    });
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'client_rejected' });
    expect(fake.stats.tokenRequests).toBe(1);
  });
});
