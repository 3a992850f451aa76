import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticateClient } from './client-auth.js';
import type { FakeContext } from './context.js';
import { parseForm, type FormParameters } from './form.js';
import { readBody, sendRaw } from './http.js';
import { keycloakErrors, NO_STORE, sendKeycloakError } from './keycloak-errors.js';
import { verifyAccessToken } from './keys.js';

/**
 * `POST {issuer}/protocol/openid-connect/logout` with `client_id` (or an assertion) and `refresh_token`: ends the
 * session. 204 also when the session is already gone (or the token expired: Keycloak does not check expiry
 * here); 400 `invalid_grant` for a token it never issued or one of another client.
 */
export async function handleLogoutRequest(context: FakeContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const authenticated = await authenticatedForm(context, request, response, 'logout');
  if (!authenticated) return;
  const { form, client } = authenticated;
  const refreshToken = form.get('refresh_token');
  const error = !refreshToken ? keycloakErrors.missingRefreshToken : undefined;
  const owner = refreshToken ? context.sessions.sessionOfRefreshToken(refreshToken) : undefined;
  const refused =
    error ??
    (!owner
      ? keycloakErrors.invalidRefreshToken
      : owner.clientId !== client.clientId
        ? keycloakErrors.refreshTokenOfAnotherClient
        : undefined);
  if (refused) {
    context.log({ endpoint: 'logout', username: owner?.session?.username, status: refused.status, error: refused.error });
    sendKeycloakError(response, refused);
    return;
  }
  if (owner?.session) context.sessions.end(owner.session);
  context.counters.logouts += 1;
  context.log({ endpoint: 'logout', username: owner?.session?.username, status: 204 });
  sendRaw(response, 204, '', NO_STORE);
}

/**
 * `POST {issuer}/protocol/openid-connect/revoke` (RFC 7009) with `token` and optional `token_type_hint`: a refresh
 * token ends its session, an access token of this realm stops being accepted by the API. 200 for a token it cannot
 * read (unknown, expired), as the RFC requires; 400 `invalid_request` "Unmatching clients" for a token of another
 * client, as Keycloak does (a 2FA client revoking through `client_id=integration-api` must see that here too).
 */
export async function handleRevokeRequest(context: FakeContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const authenticated = await authenticatedForm(context, request, response, 'revoke');
  if (!authenticated) return;
  const { form, client } = authenticated;
  const token = form.get('token');
  if (!token) {
    context.log({ endpoint: 'revoke', status: 400, error: keycloakErrors.missingToken.error });
    sendKeycloakError(response, keycloakErrors.missingToken);
    return;
  }
  const { username, unmatchingClients } = await revoke(context, token, client.clientId);
  if (unmatchingClients) {
    const refused = keycloakErrors.unmatchingClients;
    context.log({ endpoint: 'revoke', username, status: refused.status, error: refused.error });
    sendKeycloakError(response, refused);
    return;
  }
  context.counters.revocations += 1;
  context.log({ endpoint: 'revoke', username, status: 200 });
  sendRaw(response, 200, '', NO_STORE);
}

/**
 * Revokes `token` if this realm issued it to `clientId`. Answers the user concerned, if any, and whether the token
 * belongs to another client (then nothing is revoked).
 */
async function revoke(context: FakeContext, token: string, clientId: string): Promise<{ username?: string; unmatchingClients?: true }> {
  const owner = context.sessions.sessionOfRefreshToken(token);
  if (owner) {
    const username = owner.session?.username;
    if (owner.clientId !== clientId) return { username, unmatchingClients: true };
    if (owner.session) context.sessions.end(owner.session);
    return { username };
  }
  const verified = await verifyAccessToken(context.keys, token, context.issuer, context.clock.now());
  if (!('claims' in verified)) return {};
  const { jti, exp, azp, preferred_username: claimedUser } = verified.claims;
  const username = typeof claimedUser === 'string' ? claimedUser : undefined;
  if (azp !== clientId) return { username, unmatchingClients: true };
  if (typeof jti === 'string' && typeof exp === 'number') {
    const now = context.clock.now();
    // Forget revocations of tokens that have expired anyway.
    for (const [id, expiresAt] of context.revokedAccessTokens) if (expiresAt <= now) context.revokedAccessTokens.delete(id);
    context.revokedAccessTokens.set(jti, exp * 1000);
  }
  return { username };
}

/**
 * The form of a logout or revocation request and the client it authenticates (by `client_id` or assertion);
 * `undefined` once a refusal has been answered and logged.
 */
async function authenticatedForm(
  context: FakeContext,
  request: IncomingMessage,
  response: ServerResponse,
  endpoint: 'logout' | 'revoke',
): Promise<{ form: FormParameters; client: { clientId: string } } | undefined> {
  const form = parseForm(request, await readBody(request));
  const client = await authenticateClient(context, form);
  if ('error' in client) {
    context.log({ endpoint, status: client.error.status, error: client.error.error });
    sendKeycloakError(response, client.error);
    return undefined;
  }
  return { form, client };
}
