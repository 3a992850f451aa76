import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decodeJwt, exportJWK, importPKCS8 } from 'jose';
import * as client from 'openid-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestClock, type FakeApiax, type FakeUser } from '../src/index.js';
import {
  CLIENT_ID,
  expectKeycloakError,
  JWT_BEARER,
  oidcConfig,
  postForm,
  rsaKeyPairs,
  signAssertion,
  startFake,
} from './support/helpers.js';

const SUBJECT = 'MyCompany';
let customerKey: { privateKey: KeyObject; publicKey: KeyObject };
let strangerKey: { privateKey: KeyObject; publicKey: KeyObject };

beforeAll(() => {
  [customerKey, strangerKey] = rsaKeyPairs() as [typeof customerKey, typeof strangerKey];
});

type PublicKeyInput = NonNullable<FakeUser['assertion']>['publicKey'];

function twoFactorUser(publicKey: PublicKeyInput = customerKey.publicKey.export({ type: 'spki', format: 'pem' }) as string): FakeUser {
  return { username: 'corp', password: 'corp-pass', assertion: { publicKey, subject: SUBJECT } };
}

/** The 2FA user's password grant by plain fetch, `fields` on top (client authentication only as given there). */
function corpPasswordGrant(fake: FakeApiax, fields: Record<string, string>): Promise<Response> {
  return postForm(fake.tokenEndpoint, { grant_type: 'password', username: 'corp', password: 'corp-pass', ...fields });
}

/** A fresh assertion of the customer for the fake's token endpoint, by the fake's clock. */
function freshAssertion(fake: FakeApiax, claims: Record<string, unknown> = {}, key = customerKey.privateKey): Promise<string> {
  return signAssertion(key, { iss: SUBJECT, sub: SUBJECT, aud: fake.tokenEndpoint, ...claims }, fake.now());
}

/** A 2FA login, with a fresh assertion unless one is given. */
async function login2fa(fake: FakeApiax, claims: Record<string, unknown> = {}, key = customerKey.privateKey, assertion?: string) {
  const signed = assertion ?? (await freshAssertion(fake, claims, key));
  const response = await corpPasswordGrant(fake, { client_assertion_type: JWT_BEARER, client_assertion: signed });
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
      users: [
        {
          username: 'corp',
          password: 'corp-pass',
          assertion: { publicKey: customerKey.publicKey, subject: SUBJECT, issuer: 'corp-issuer' },
        },
      ],
    });
    expect((await login2fa(fake)).body).toEqual(rejected('Issuer mismatch. The issuer should match the registered issuer'));
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

  it('refuses an iss other than the subject, as Keycloak does', async () => {
    const fake = await startFake({ users: [twoFactorUser()] });
    expect((await login2fa(fake, { iss: 'Someone' })).body).toEqual(rejected('Issuer mismatch. The issuer should match the subject'));
  });

  it('refuses an assertion signed with another algorithm than RS256, as Keycloak does for a client configured with it', async () => {
    const fake = await startFake({ users: [twoFactorUser()] });
    const ps256 = await signAssertion(customerKey.privateKey, { iss: SUBJECT, sub: SUBJECT, aud: fake.tokenEndpoint }, fake.now(), {
      alg: 'PS256',
      typ: 'JWT',
    });
    const response = await corpPasswordGrant(fake, { client_assertion_type: JWT_BEARER, client_assertion: ps256 });
    await expectKeycloakError(response, 400, 'invalid_client', 'invalid signature algorithm');
  });

  it('refuses several audiences, even when one is right', async () => {
    const fake = await startFake({ users: [twoFactorUser()] });
    expect((await login2fa(fake, { aud: [fake.tokenEndpoint, fake.issuer] })).body).toEqual(
      rejected('Multiple audiences not allowed in the JWT token for client authentication'),
    );
  });

  it('applies Keycloak’s lifespan rules by the fake’s clock: iat at most 60 s old, 15 s of skew', async () => {
    const clock = createTestClock(Date.UTC(2030, 0, 1));
    const fake = await startFake({ users: [twoFactorUser()], now: clock.now });
    const now = Math.floor(clock.now() / 1000);
    // Signed ahead of time with a long exp, used 61 s later: refused although unexpired.
    expect((await login2fa(fake, { iat: now - 61, exp: now + 600 })).body).toEqual(
      rejected('Token was issued too far in the past to be used now'),
    );
    // A client clock 16 s ahead is refused; 15 s is within the skew.
    expect((await login2fa(fake, { iat: now + 16, exp: now + 76 })).body).toEqual(rejected('Token was issued in the future'));
    expect((await login2fa(fake, { iat: now + 15, exp: now + 75 })).status).toBe(200);
    // Without iat, exp may be at most 60 s away; without exp, iat gives 25 s; without both, nothing.
    expect((await login2fa(fake, { iat: undefined, exp: now + 61 })).body).toEqual(
      rejected('Token expiration is too far in the future and iat claim not present in token'),
    );
    expect((await login2fa(fake, { iat: undefined, exp: now + 60 })).status).toBe(200);
    expect((await login2fa(fake, { iat: now - 25, exp: undefined })).body).toEqual(rejected('Token is not active'));
    expect((await login2fa(fake, { iat: now - 20, exp: undefined })).status).toBe(200);
    expect((await login2fa(fake, { iat: undefined, exp: undefined })).body).toEqual(
      rejected('Token cannot be validated. Neither the exp nor the iat claim are present.'),
    );
  });

  it('refuses an assertion without jti, of an unknown subject, or that is not a JWT', async () => {
    const fake = await startFake({ users: [twoFactorUser()] });
    expect((await login2fa(fake, { jti: undefined })).body).toEqual(rejected('Missing ID on the token'));
    expect(await login2fa(fake, { sub: 'Unknown', iss: 'Unknown' })).toMatchObject({
      status: 401,
      body: { error: 'unauthorized_client', error_description: 'Invalid client or Invalid client credentials' },
    });
    expect((await login2fa(fake, {}, customerKey.privateKey, 'not.a.jwt')).body).toEqual(rejected('Invalid token'));
  });

  it('accepts client_id = the subject alongside the assertion, refuses another client_id', async () => {
    const fake = await startFake({ users: [twoFactorUser()] });
    const send = async (clientId: string) =>
      corpPasswordGrant(fake, { client_id: clientId, client_assertion_type: JWT_BEARER, client_assertion: await freshAssertion(fake) });
    expect((await send(SUBJECT)).status).toBe(200);
    const { error_description: description } = rejected('client_id parameter not matching with client from JWT token');
    await expectKeycloakError(await send(CLIENT_ID), 400, 'invalid_client', description);
  });

  it('refuses a wrong client_assertion_type', async () => {
    const fake = await startFake({ users: [twoFactorUser()] });
    const saml = 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer';
    const response = await corpPasswordGrant(fake, { client_assertion_type: saml, client_assertion: await freshAssertion(fake) });
    await expectKeycloakError(
      response,
      400,
      'invalid_client',
      `Parameter client_assertion_type has value '${saml}' but expected is '${JWT_BEARER}'`,
    );
  });

  it('refuses the 2FA subject as a client_id without an assertion', async () => {
    const fake = await startFake({ users: [twoFactorUser()] });
    await expectKeycloakError(
      await corpPasswordGrant(fake, { client_id: SUBJECT }),
      400,
      'invalid_client',
      'Parameter client_assertion_type is missing',
    );
  });

  it('refuses a 2FA user logging in through the 1FA client (the second factor is missing)', async () => {
    const fake = await startFake({ users: [twoFactorUser()] });
    await expectKeycloakError(await corpPasswordGrant(fake, { client_id: CLIENT_ID }), 401, 'invalid_grant', 'Invalid user credentials');
  });

  it('checks the password too: a valid assertion with a wrong password is invalid_grant, counted by brute-force protection', async () => {
    const fake = await startFake({ users: [twoFactorUser()], bruteForce: { maxFailures: 1 } });
    const response = await corpPasswordGrant(fake, {
      password: 'wrong',
      client_assertion_type: JWT_BEARER,
      client_assertion: await freshAssertion(fake),
    });
    await expectKeycloakError(response, 401, 'invalid_grant', 'Invalid user credentials');
    expect(fake.isLocked('corp')).toBe(true);
  });

  describe('later requests of a 2FA session', () => {
    const anotherClientsToken = "Invalid refresh token. Token client and authorized client don't match";
    /** A refresh or logout to `url`, authenticated by `assertion`, as a 2FA client sends it. */
    const withAssertion = (url: string, fields: Record<string, string>, assertion: string) =>
      postForm(url, { ...fields, client_assertion_type: JWT_BEARER, client_assertion: assertion });

    it('refresh needs a fresh assertion: with one it works, as the 1FA client it is another client’s token', async () => {
      const fake = await startFake({ users: [twoFactorUser()] });
      const { body } = await login2fa(fake);
      const refreshFields = { grant_type: 'refresh_token', refresh_token: body.refresh_token };
      const as1fa = await postForm(fake.tokenEndpoint, { ...refreshFields, client_id: CLIENT_ID });
      await expectKeycloakError(as1fa, 400, 'invalid_grant', anotherClientsToken);

      const fresh = await freshAssertion(fake);
      expect((await withAssertion(fake.tokenEndpoint, refreshFields, fresh)).status).toBe(200);
      const replayed = await withAssertion(fake.tokenEndpoint, refreshFields, fresh);
      await expectKeycloakError(replayed, 400, 'invalid_client', rejected('Token reuse detected').error_description);
    });

    it('logout needs a fresh assertion too', async () => {
      const fake = await startFake({ users: [twoFactorUser()] });
      const { body, assertion: loginAssertion } = await login2fa(fake);
      const logoutUrl = `${fake.issuer}/protocol/openid-connect/logout`;
      const as1fa = await postForm(logoutUrl, { client_id: CLIENT_ID, refresh_token: body.refresh_token });
      await expectKeycloakError(as1fa, 400, 'invalid_grant', anotherClientsToken);
      const replayed = await withAssertion(logoutUrl, { refresh_token: body.refresh_token }, loginAssertion);
      await expectKeycloakError(replayed, 400, 'invalid_client', rejected('Token reuse detected').error_description);
      expect(fake.stats).toMatchObject({ activeSessions: 1, logouts: 0 });

      const loggedOut = await withAssertion(logoutUrl, { refresh_token: body.refresh_token }, await freshAssertion(fake));
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
