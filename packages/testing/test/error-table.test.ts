// One test per row of APIAX.md's "Errors the token endpoint returns", each asserting the whole answer: status,
// `error`, `error_description`, a JSON body and `Cache-Control: no-store`.
import { describe, expect, it } from 'vitest';
import { createTestClock, type FakeApiax, type FakeApiaxOptions } from '../src/index.js';
import { CLIENT_ID, expectKeycloakError, JWT_BEARER, login, postForm, rsaKeyPairs, signAssertion, startFake } from './support/helpers.js';

const PASSWORD_GRANT = { grant_type: 'password', client_id: CLIENT_ID, username: 'demo', password: 'demo' };
const SUBJECT = 'MyCompany';

/** A token request by plain fetch: the answer is asserted untouched by any client library. */
const tokenRequest = (fake: FakeApiax, fields: Record<string, string>) => postForm(fake.tokenEndpoint, fields);
const refreshRequest = (fake: FakeApiax, refreshToken: string) =>
  tokenRequest(fake, { grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: refreshToken });

/** A 2FA user whose assertions are signed with the first test key pair. */
function twoFactorOptions(): FakeApiaxOptions {
  const [key] = rsaKeyPairs();
  return { users: [{ username: 'corp', password: 'corp-pass', assertion: { publicKey: key!.publicKey, subject: SUBJECT } }] };
}

async function twoFactorLogin(fake: FakeApiax, privateKey = rsaKeyPairs()[0]!.privateKey): Promise<Response> {
  const assertion = await signAssertion(privateKey, { iss: SUBJECT, sub: SUBJECT, aud: fake.tokenEndpoint }, fake.now());
  return tokenRequest(fake, {
    grant_type: 'password',
    username: 'corp',
    password: 'corp-pass',
    client_assertion_type: JWT_BEARER,
    client_assertion: assertion,
  });
}

type Row = [
  name: string,
  options: FakeApiaxOptions | undefined,
  request: (fake: FakeApiax) => Promise<Response>,
  status: number,
  error: string,
  description: string,
];

const rows: Row[] = [
  [
    'wrong password',
    undefined,
    (fake) => tokenRequest(fake, { ...PASSWORD_GRANT, password: 'wrong' }),
    401,
    'invalid_grant',
    'Invalid user credentials',
  ],
  [
    'unknown user',
    undefined,
    (fake) => tokenRequest(fake, { ...PASSWORD_GRANT, username: 'nobody' }),
    401,
    'invalid_grant',
    'Invalid user credentials',
  ],
  [
    'empty password',
    undefined,
    (fake) => tokenRequest(fake, { ...PASSWORD_GRANT, password: '' }),
    401,
    'invalid_grant',
    'Invalid user credentials',
  ],
  [
    'user locked by brute-force protection, with the right password',
    { bruteForce: { maxFailures: 2 } },
    async (fake) => {
      for (let i = 0; i < 2; i += 1) await (await tokenRequest(fake, { ...PASSWORD_GRANT, password: 'wrong' })).arrayBuffer();
      return tokenRequest(fake, PASSWORD_GRANT);
    },
    401,
    'invalid_grant',
    'Invalid user credentials',
  ],
  [
    'disabled user',
    { users: [{ username: 'demo', password: 'demo', disabled: true }] },
    (fake) => tokenRequest(fake, PASSWORD_GRANT),
    400,
    'invalid_grant',
    'Account disabled',
  ],
  [
    'required actions pending',
    { users: [{ username: 'demo', password: 'demo', requiredActions: true }] },
    (fake) => tokenRequest(fake, PASSWORD_GRANT),
    400,
    'invalid_grant',
    'Account is not fully set up',
  ],
  [
    'client may not use direct grants',
    { directAccessGrantsEnabled: false },
    (fake) => tokenRequest(fake, PASSWORD_GRANT),
    400,
    'unauthorized_client',
    'Client not allowed for direct access grants',
  ],
  [
    'unknown client',
    undefined,
    (fake) => tokenRequest(fake, { ...PASSWORD_GRANT, client_id: 'someone-else' }),
    401,
    'unauthorized_client',
    'Invalid client or Invalid client credentials',
  ],
  [
    'missing client_id',
    undefined,
    (fake) => tokenRequest(fake, { ...PASSWORD_GRANT, client_id: '' }),
    400,
    'invalid_client',
    'Missing client_id parameter',
  ],
  [
    'missing username',
    undefined,
    (fake) => tokenRequest(fake, { ...PASSWORD_GRANT, username: '' }),
    400,
    'invalid_request',
    'Missing parameter: username',
  ],
  [
    'missing grant_type',
    undefined,
    (fake) => tokenRequest(fake, { ...PASSWORD_GRANT, grant_type: '' }),
    400,
    'invalid_request',
    'Missing form parameter: grant_type',
  ],
  [
    'a JSON body (not a form)',
    undefined,
    (fake) =>
      fetch(fake.tokenEndpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(PASSWORD_GRANT) }),
    400,
    'invalid_request',
    'Missing form parameter: grant_type',
  ],
  [
    'a parameter sent twice',
    undefined,
    (fake) =>
      postForm(fake.tokenEndpoint, {}, { body: 'grant_type=password&client_id=integration-api&username=demo&username=x&password=demo' }),
    400,
    'invalid_request',
    'duplicated parameter',
  ],
  [
    'unsupported grant type',
    undefined,
    (fake) => tokenRequest(fake, { ...PASSWORD_GRANT, grant_type: 'client_credentials' }),
    400,
    'unsupported_grant_type',
    'Unsupported grant_type',
  ],
  [
    'missing refresh token',
    undefined,
    (fake) => tokenRequest(fake, { grant_type: 'refresh_token', client_id: CLIENT_ID }),
    400,
    'invalid_request',
    'No refresh token',
  ],
  [
    'bad client assertion (signed with another key)',
    twoFactorOptions(),
    (fake) => twoFactorLogin(fake, rsaKeyPairs()[1]!.privateKey),
    400,
    'invalid_client',
    'Client authentication with signed JWT failed: Signature on JWT token failed validation',
  ],
  [
    'refresh token expired (14 days reached)',
    undefined,
    async (fake) => {
      const { body } = await login(fake);
      fake.advance(14 * 86_400);
      return refreshRequest(fake, body.refresh_token);
    },
    400,
    'invalid_grant',
    'Token is not active',
  ],
  [
    'session ended by logout',
    undefined,
    async (fake) => {
      const { body } = await login(fake);
      const logout = await postForm(`${fake.issuer}/protocol/openid-connect/logout`, {
        client_id: CLIENT_ID,
        refresh_token: body.refresh_token,
      });
      expect(logout.status).toBe(204);
      return refreshRequest(fake, body.refresh_token);
    },
    400,
    'invalid_grant',
    'Session not active',
  ],
  [
    'session ended by an admin',
    undefined,
    async (fake) => {
      const { body } = await login(fake);
      fake.endAllSessions();
      return refreshRequest(fake, body.refresh_token);
    },
    400,
    'invalid_grant',
    'Session not active',
  ],
  [
    'refresh token of another client (a 2FA session refreshed as integration-api)',
    twoFactorOptions(),
    async (fake) => {
      const tokens = (await (await twoFactorLogin(fake)).json()) as { refresh_token: string };
      return refreshRequest(fake, tokens.refresh_token);
    },
    400,
    'invalid_grant',
    "Invalid refresh token. Token client and authorized client don't match",
  ],
  [
    'rotated refresh token reused',
    { rotateRefreshTokens: true },
    async (fake) => {
      const { body } = await login(fake);
      expect((await refreshRequest(fake, body.refresh_token)).status).toBe(200);
      return refreshRequest(fake, body.refresh_token);
    },
    400,
    'invalid_grant',
    'Maximum allowed refresh token reuse exceeded',
  ],
  ['garbage refresh token', undefined, (fake) => refreshRequest(fake, 'not-a-token'), 400, 'invalid_grant', 'Invalid refresh token'],
  [
    'uncaught server error (injected)',
    undefined,
    (fake) => {
      fake.fail({ type: 'server-error' });
      return tokenRequest(fake, PASSWORD_GRANT);
    },
    500,
    'unknown_error',
    'For more on this error consult the server log.',
  ],
];

describe('token endpoint errors (one per row of APIAX.md)', () => {
  it.each(rows)('%s → %i %s', async (_name, options, request, status, error, description) => {
    const fake = await startFake({ ...options, now: createTestClock().now });
    await expectKeycloakError(await request(fake), status, error, description);
  });

  it.each([502, 503, 504] as const)('server overloaded / proxy → %i with an HTML page, not JSON', async (status) => {
    const fake = await startFake();
    fake.fail({ type: 'html', status });
    const response = await tokenRequest(fake, PASSWORD_GRANT);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toMatch(/^<html>/);
  });
});
