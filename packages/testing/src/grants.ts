import { randomUUID } from 'node:crypto';
import { authenticateClient } from './client-auth.js';
import { toEpochSeconds } from './clock.js';
import type { FakeContext } from './context.js';
import type { FormParameters } from './form.js';
import { keycloakErrors, type KeycloakError } from './keycloak-errors.js';
import { signAccessToken } from './keys.js';
import type { IssuedTokens } from './sessions.js';

/** A grant's result: the token response, or the Keycloak error; with the user concerned, for the log. */
export type GrantOutcome = { status: 200; body: Record<string, unknown>; username?: string } | { error: KeycloakError; username?: string };

/**
 * Runs the grant a token request asks for, in Keycloak's order of checks: grant type, duplicated parameters,
 * client authentication, then the grant itself. Counts it in the stats.
 */
export async function runGrant(context: FakeContext, form: FormParameters, grantType: string | undefined): Promise<GrantOutcome> {
  if (!grantType) return { error: keycloakErrors.missingGrantType };
  if (grantType !== 'password' && grantType !== 'refresh_token') {
    return { error: keycloakErrors.unsupportedGrantType };
  }
  if (form.duplicated) return { error: keycloakErrors.duplicatedParameter };
  const counter = grantType === 'password' ? 'password' : 'refresh';
  const failure = grantType === 'password' ? 'failedLogins' : 'failedRefreshes';
  context.counters[counter] += 1;
  const outcome = grantType === 'password' ? await passwordGrant(context, form) : await refreshGrant(context, form);
  if ('error' in outcome) context.counters[failure] += 1;
  return outcome;
}

async function passwordGrant(context: FakeContext, form: FormParameters): Promise<GrantOutcome> {
  const client = await authenticateClient(context, form);
  if ('error' in client) return client;
  if (!context.directAccessGrantsEnabled) return { error: keycloakErrors.directGrantsNotAllowed };
  const username = form.get('username');
  if (!username) return { error: keycloakErrors.missingUsername };
  const user = context.users.get(username);
  if (!user) return { error: keycloakErrors.invalidUserCredentials, username };
  // Keycloak's direct-grant flow checks the account before the password.
  if (user.disabled) return { error: keycloakErrors.accountDisabled, username };
  if (context.bruteForce.isLocked(username)) return { error: keycloakErrors.invalidUserCredentials, username };
  if (form.get('password') !== user.password) {
    context.bruteForce.recordFailure(username);
    return { error: keycloakErrors.invalidUserCredentials, username };
  }
  // A 2FA user's second factor is its client's assertion: without it the credentials are incomplete, as with a
  // missing OTP in Keycloak's direct grant.
  if (user.assertion && client.clientId !== user.assertion.subject) {
    return { error: keycloakErrors.invalidUserCredentials, username };
  }
  context.bruteForce.recordSuccess(username);
  if (user.requiredActions) return { error: keycloakErrors.accountNotSetUp, username };
  const issued = context.sessions.login(username, client.clientId, context.clock.now());
  return { status: 200, body: await tokenResponse(context, issued), username };
}

async function refreshGrant(context: FakeContext, form: FormParameters): Promise<GrantOutcome> {
  const refreshToken = form.get('refresh_token');
  const client = await authenticateClient(context, form);
  if ('error' in client) return { ...client, username: sessionUser(context, refreshToken) };
  if (!refreshToken) return { error: keycloakErrors.missingRefreshToken };
  const now = context.clock.now();
  const lookup = context.sessions.checkRefreshToken(refreshToken, client.clientId, now);
  if (!lookup.ok) return { error: lookup.error, username: lookup.session?.username };
  const issued = context.sessions.refresh(lookup.session, now);
  return { status: 200, body: await tokenResponse(context, issued), username: lookup.session.username };
}

async function tokenResponse(context: FakeContext, issued: IssuedTokens): Promise<Record<string, unknown>> {
  const { session } = issued;
  const now = context.clock.now();
  const issuedAt = toEpochSeconds(now);
  const user = context.users.get(session.username);
  const accessToken = await signAccessToken(context.keys, {
    exp: issuedAt + issued.expiresIn,
    iat: issuedAt,
    auth_time: toEpochSeconds(session.startedAt),
    jti: randomUUID(),
    iss: context.issuer,
    aud: 'account',
    sub: user?.id ?? session.username,
    typ: 'Bearer',
    azp: session.clientId,
    sid: session.id,
    session_state: session.id,
    acr: '1',
    scope: context.scope,
    preferred_username: session.username,
  });
  return {
    access_token: accessToken,
    expires_in: issued.expiresIn,
    refresh_expires_in: issued.refreshExpiresIn,
    refresh_token: issued.refreshToken,
    token_type: 'Bearer',
    'not-before-policy': 0,
    session_state: session.id,
    scope: context.scope,
  };
}

function sessionUser(context: FakeContext, refreshToken: string | undefined): string | undefined {
  return refreshToken ? context.sessions.sessionOfRefreshToken(refreshToken)?.session?.username : undefined;
}
