import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decodeJwt, exportJWK, importPKCS8 } from 'jose';
import * as client from 'openid-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestClock, type FakeApiax, type FakeUser } from '../src/index.js';
import { CLIENT_ID, JWT_BEARER, oidcConfig, postForm, rsaKeyPairs, signAssertion, startFake } from './helpers.js';

const SUBJECT = 'MyCompany';
let customerKey: { privateKey: KeyObject; publicKey: KeyObject };
let strangerKey: { privateKey: KeyObject; publicKey: KeyObject };

beforeAll(() => {
  [customerKey, strangerKey] = rsaKeyPairs() as [typeof customerKey, typeof strangerKey];
});

type PublicKeyInput = NonNullable<FakeUser['assertion']>['publicKey'];

function twoFactorUser(
  publicKey: PublicKeyInput = customerKey.publicKey.export({ type: 'spki', format: 'pem' }) as string,
): FakeUser {
  return { username: 'corp', password: 'corp-pass', assertion: { publicKey, subject: SUBJECT } };
}

/** A 2FA login by plain fetch, with an assertion signed for the fake's token endpoint unless overridden. */
async function login2fa(fake: FakeApiax, claims: Record<string, unknown> = {}, key = customerKey.privateKey, assertion?: string) {
  const signed =
    assertion ?? (await signAssertion(key, { iss: SUBJECT, sub: SUBJECT, aud: fake.tokenEndpoint, ...claims }, fake.now()));
  const response = await postForm(fake.tokenEndpoint, {
    grant_type: 'password',
    username: 'corp',
    password: 'corp-pass',
    client_assertion_type: JWT_BEARER,
    client_assertion: signed,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any>, assertion: signed };
}

const rejected = (reason: string) => ({
  error: 'invalid_client',
  error_description: `Client authentication with signed JWT failed: ${reason}`,
});

describe('2FA: password + signed client assertion', () => {
  it('accepts an RS256 assertion with aud = token endpoint; the session’s client is the assertion subject', async () => {
    const fake = await startFake({ users: [twoFactorUser()] });
    const { status, body } = await login2fa(fake);
    expect(status).toBe(200);
    expect(decodeJwt(body.access_token)).toMatchObject({ azp: SUBJECT, preferred_username: 'corp' });
    expect(fake.stats).toMatchObject({ password: 1, failedLogins: 0, activeSessions: 1 });
  });

  it('accepts aud = issuer, as Keycloak does (openid-client’s PrivateKeyJwt)', async () => {
    const fake = await startFake({ users: [twoFactorUser()] });
    const pkcs8 = customerKey.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const config = oidcConfig(fake, SUBJECT, client.PrivateKeyJwt(await importPKCS8(pkcs8, 'RS256')));
    const tokens = await client.genericGrantRequest(config, 'password', { username: 'corp', password: 'corp-pass' });
    expect(tokens.access_token).toEqual(expect.any(String));
    // Refresh with a fresh assertion (PrivateKeyJwt signs a new one, new jti, per request).
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_expires_in).toBeLessThanOrEqual(1209600);
    expect(fake.stats).toMatchObject({ password: 1, refresh: 1, failedRefreshes: 0 });
  });

  it.each([
    ['a PEM string', () => customerKey.publicKey.export({ type: 'spki', format: 'pem' }) as string],
    ['a KeyObject', () => customerKey.publicKey],
    ['a JWK', () => exportJWK(customerKey.publicKey)],
    ['a PKCS#1 PEM', () => customerKey.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string],
  ] as const)('takes the registered public key as %s', async (_label, publicKey) => {
    const fake = await startFake({ users: [twoFactorUser(await publicKey())] });
    expect((await login2fa(fake)).status).toBe(200);
  });

  it('honours a registered issuer different from the subject', async () => {
    const fake = await startFake({
      users: [{ username: 'corp', password: 'corp-pass', assertion: { publicKey: customerKey.publicKey, subject: SUBJECT, issuer: 'corp-issuer' } }],
    });
    expect((await login2fa(fake)).body).toEqual(rejected('Issuer mismatch'));
    expect((await login2fa(fake, { iss: 'corp-issuer' })).status).toBe(200);
  });

  it('refuses an assertion signed with another key', async () => {
    const fake = await startFake({ users: [twoFactorUser()] });
    const { status, body } = await login2fa(fake, {}, strangerKey.privateKey);
    expect(status).toBe(400);
    expect(body).toEqual(rejected('Signature on JWT token failed validation'));
    expect(fake.stats).toMatchObject({ failedLogins: 1, activeSessions: 0 });
  });

  it('refuses a wrong aud', async () => {
    const fake = await startFake({ users: [twoFactorUser()] });
    const { status, body } = await login2fa(fake, { aud: 'https://auth.apiax.io/auth/realms/apiax/protocol/openid-connect/token' });
    expect(status).toBe(400);
    expect(body).toEqual(rejected("Token audience doesn't match domain"));
  });

  it('refuses a reused jti: "Token reuse detected"', async () => {
    const fake = await startFake({ users: [twoFactorUser()] });
    const first = await login2fa(fake);
    expect(first.status).toBe(200);
    const replay = await login2fa(fake, {}, customerKey.privateKey, first.assertion);
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual(rejected('Token reuse detected'));
  });

  it('refuses an expired assertion, judged by the fake’s clock', async () => {
    const clock = createTestClock();
    const fake = await startFake({ users: [twoFactorUser()], now: clock.now });
    const assertion = await signAssertion(customerKey.privateKey, { iss: SUBJECT, sub: SUBJECT, aud: fake.tokenEndpoint }, clock.now());
    clock.advance(61);
    const { status, body } = await login2fa(fake, {}, customerKey.privateKey, assertion);
    expect(status).toBe(400);
    expect(body).toEqual(rejected('Token is not active'));
  });

  it('refuses an assertion without jti, of an unknown subject, or that is not a JWT', async () => {
    const fake = await startFake({ users: [twoFactorUser()] });
    expect((await login2fa(fake, { jti: undefined })).body).toEqual(rejected('Missing ID on the token'));
    expect((await login2fa(fake, { sub: 'Unknown', iss: 'Unknown' })).body).toEqual(rejected('Client not found'));
    expect((await login2fa(fake, {}, customerKey.privateKey, 'not.a.jwt')).body).toEqual(rejected('Invalid token'));
  });

  it('accepts client_id = the subject alongside the assertion, refuses another client_id', async () => {
    const fake = await startFake({ users: [twoFactorUser()] });
    const send = async (clientId: string) => {
      const assertion = await signAssertion(customerKey.privateKey, { iss: SUBJECT, sub: SUBJECT, aud: fake.tokenEndpoint });
      const response = await postForm(fake.tokenEndpoint, {
        grant_type: 'password',
        client_id: clientId,
        username: 'corp',
        password: 'corp-pass',
        client_assertion_type: JWT_BEARER,
        client_assertion: assertion,
      });
      return { status: response.status, body: await response.json() };
    };
    expect((await send(SUBJECT)).status).toBe(200);
    expect(await send(CLIENT_ID)).toEqual({ status: 400, body: rejected('client_id parameter does not match sub claim') });
  });

  it('refuses a wrong client_assertion_type', async () => {
    const fake = await startFake({ users: [twoFactorUser()] });
    const assertion = await signAssertion(customerKey.privateKey, { iss: SUBJECT, sub: SUBJECT, aud: fake.tokenEndpoint });
    const response = await postForm(fake.tokenEndpoint, {
      grant_type: 'password',
      username: 'corp',
      password: 'corp-pass',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
      client_assertion: assertion,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses the 2FA subject as a client_id without an assertion', async () => {
    const fake = await startFake({ users: [twoFactorUser()] });
    const response = await postForm(fake.tokenEndpoint, {
      grant_type: 'password',
      client_id: SUBJECT,
      username: 'corp',
      password: 'corp-pass',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_client',
      error_description: 'Parameter client_assertion_type is missing',
    });
  });

  it('refuses a 2FA user logging in through the 1FA client (the second factor is missing)', async () => {
    const fake = await startFake({ users: [twoFactorUser()] });
    const response = await postForm(fake.tokenEndpoint, {
      grant_type: 'password',
      client_id: CLIENT_ID,
      username: 'corp',
      password: 'corp-pass',
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid user credentials' });
  });

  it('checks the password too: a valid assertion with a wrong password is invalid_grant', async () => {
    const fake = await startFake({ users: [twoFactorUser()] });
    const assertion = await signAssertion(customerKey.privateKey, { iss: SUBJECT, sub: SUBJECT, aud: fake.tokenEndpoint });
    const response = await postForm(fake.tokenEndpoint, {
      grant_type: 'password',
      username: 'corp',
      password: 'wrong',
      client_assertion_type: JWT_BEARER,
      client_assertion: assertion,
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
  });

  describe('later requests of a 2FA session', () => {
    it('refresh needs a fresh assertion: with one it works, as the 1FA client it is another client’s token', async () => {
      const fake = await startFake({ users: [twoFactorUser()] });
      const { body } = await login2fa(fake);
      const as1fa = await postForm(fake.tokenEndpoint, {
        grant_type: 'refresh_token',
        client_id: CLIENT_ID,
        refresh_token: body.refresh_token,
      });
      expect(as1fa.status).toBe(400);
      expect(await as1fa.json()).toEqual({
        error: 'invalid_grant',
        error_description: "Invalid refresh token. Token client and authorized client don't match",
      });

      const fresh = await signAssertion(customerKey.privateKey, { iss: SUBJECT, sub: SUBJECT, aud: fake.tokenEndpoint });
      const refreshed = await postForm(fake.tokenEndpoint, {
        grant_type: 'refresh_token',
        refresh_token: body.refresh_token,
        client_assertion_type: JWT_BEARER,
        client_assertion: fresh,
      });
      expect(refreshed.status).toBe(200);

      const replayed = await postForm(fake.tokenEndpoint, {
        grant_type: 'refresh_token',
        refresh_token: body.refresh_token,
        client_assertion_type: JWT_BEARER,
        client_assertion: fresh,
      });
      expect(replayed.status).toBe(400);
      expect(await replayed.json()).toEqual(rejected('Token reuse detected'));
    });

    it('logout needs a fresh assertion too', async () => {
      const fake = await startFake({ users: [twoFactorUser()] });
      const { body } = await login2fa(fake);
      const logoutUrl = `${fake.issuer}/protocol/openid-connect/logout`;
      const as1fa = await postForm(logoutUrl, { client_id: CLIENT_ID, refresh_token: body.refresh_token });
      expect(as1fa.status).toBe(400);
      expect(fake.stats.activeSessions).toBe(1);
      const fresh = await signAssertion(customerKey.privateKey, { iss: SUBJECT, sub: SUBJECT, aud: fake.tokenEndpoint });
      const loggedOut = await postForm(logoutUrl, {
        refresh_token: body.refresh_token,
        client_assertion_type: JWT_BEARER,
        client_assertion: fresh,
      });
      expect(loggedOut.status).toBe(204);
      expect(fake.stats).toMatchObject({ activeSessions: 0, logouts: 1 });
    });
  });

  it('refuses a registered key that is not RSA, naming the user', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await expect(startFake({ users: [twoFactorUser(publicKey)] })).rejects.toThrow(/users\[corp\]\.assertion\.publicKey/);
    await expect(startFake({ users: [twoFactorUser('not a key')] })).rejects.toThrow(/users\[corp\]\.assertion\.publicKey/);
  });
});
