import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import * as client from 'openid-client';
import { expect, onTestFinished } from 'vitest';
import { startFakeApiax, type FakeApiax, type FakeApiaxOptions, type FakeUser } from '../../src/index.js';

export const CLIENT_ID = 'integration-api';
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Two 1FA users, for what must happen to one user only. */
export const ALICE_AND_BOB: FakeUser[] = [
  { username: 'alice', password: 'a' },
  { username: 'bob', password: 'b' },
];

/** The fake on loopback, closed when the current test ends. */
export async function startFake(options: FakeApiaxOptions = {}): Promise<FakeApiax> {
  const fake = await startFakeApiax(options);
  onTestFinished(() => fake.close());
  return fake;
}

/** openid-client pointed at the fake with static metadata, as core configures it. */
export function oidcConfig(fake: FakeApiax, clientId = CLIENT_ID, auth: client.ClientAuth = client.None()) {
  const config = new client.Configuration({ issuer: fake.issuer, token_endpoint: fake.tokenEndpoint }, clientId, undefined, auth);
  client.allowInsecureRequests(config);
  return config;
}

/** A plain form POST, for where a client library would hide the behaviour under test. */
export function postForm(url: string, fields: Record<string, string>, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
    ...init,
  });
}

/** A password grant through openid-client. */
export function passwordGrant(fake: FakeApiax, username = 'demo', password = 'demo') {
  return client.genericGrantRequest(oidcConfig(fake), 'password', { username, password });
}

/** A password grant by plain fetch, answering status and JSON body. */
export async function login(
  fake: FakeApiax,
  fields: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, any>; response: Response }> {
  const response = await postForm(fake.tokenEndpoint, {
    grant_type: 'password',
    client_id: CLIENT_ID,
    username: 'demo',
    password: 'demo',
    ...fields,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any>, response };
}

/** A refresh grant by plain fetch. */
export async function refresh(
  fake: FakeApiax,
  refreshToken: string,
  fields: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, any> }> {
  const response = await postForm(fake.tokenEndpoint, {
    grant_type: 'refresh_token',
    client_id: CLIENT_ID,
    refresh_token: refreshToken,
    ...fields,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** Calls the rule engine's eval endpoint. */
export function callApi(
  fake: FakeApiax,
  accessToken: string | undefined,
  headers: Record<string, string> = {},
  path = '/api/v3/rules/eval',
  body: unknown = EVAL_BODY,
): Promise<Response> {
  return fetch(new URL(path, fake.apiBaseUrl), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` }),
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

export const EVAL_BODY = {
  products: [{ productId: 'Custody and Payment Services', familyId: 'Financial Services' }],
  regimes: ['CAN'],
  versionFilter: 'latest',
  attributes: [{ name: 'clientStatus', value: '*(prospect|existingClient)' }],
};

let cachedKeyPairs: { privateKey: KeyObject; publicKey: KeyObject }[] | undefined;

/** Two RSA key pairs (generated once per test file: RSA generation is slow on a loaded machine). */
export function rsaKeyPairs(): { privateKey: KeyObject; publicKey: KeyObject }[] {
  cachedKeyPairs ??= [0, 1].map(() => generateKeyPairSync('rsa', { modulusLength: 2048 }));
  return cachedKeyPairs;
}

/** A client assertion as a 2FA customer signs it; every claim can be overridden (or removed with `undefined`). */
export function signAssertion(
  privateKey: KeyObject,
  claims: Record<string, unknown>,
  nowMs: number = Date.now(),
  header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' },
): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  const payload = Object.fromEntries(
    Object.entries({ iat: now, exp: now + 60, jti: randomUUID(), ...claims }).filter(([, value]) => value !== undefined),
  );
  return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(privateKey);
}

/**
 * Asserts a Keycloak error answer in full: the status, a JSON body of exactly `error` and `error_description`, and
 * `Cache-Control: no-store`.
 */
export async function expectKeycloakError(response: Response, status: number, error: string, description: string): Promise<void> {
  expect({
    status: response.status,
    contentType: response.headers.get('content-type'),
    cacheControl: response.headers.get('cache-control'),
    body: await response.json(),
  }).toEqual({
    status,
    contentType: expect.stringMatching(/^application\/json/),
    cacheControl: 'no-store',
    body: { error, error_description: description },
  });
}
