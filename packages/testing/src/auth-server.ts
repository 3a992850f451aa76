import type { IncomingMessage, ServerResponse } from 'node:http';
import { ADMIN_PREFIX, handleAdminRequest } from './admin.js';
import type { FakeContext } from './context.js';
import { discoveryDocument } from './discovery.js';
import { BodyTooLargeError, sendJson } from './http.js';
import { keycloakErrors, sendKeycloakError } from './keycloak-errors.js';
import { handleLogoutRequest, handleRevokeRequest } from './session-endpoints.js';
import { handleTokenRequest } from './token-endpoint.js';
import type { FakeApiax } from './types.js';

/** The realm's base path, as on auth.apiax.io. */
export const REALM_PATH = '/auth/realms/apiax';
const OIDC_PATH = `${REALM_PATH}/protocol/openid-connect`;

/** The auth origin's request listener: Keycloak's realm endpoints and the `/__fake/*` admin endpoints. */
export function authRequestListener(context: FakeContext, fake: FakeApiax) {
  return (request: IncomingMessage, response: ServerResponse): void =>
    guard(response, () => routeAuthRequest(context, fake, request, response));
}

async function routeAuthRequest(context: FakeContext, fake: FakeApiax, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://fake').pathname;
  if (path.startsWith(ADMIN_PREFIX)) return handleAdminRequest(fake, request, response, path);
  switch (path) {
    case `${OIDC_PATH}/token`:
      if (!allowMethod(request, response, 'POST')) return;
      return handleTokenRequest(context, request, response);
    case `${OIDC_PATH}/logout`:
      if (!allowMethod(request, response, 'POST')) return;
      return handleLogoutRequest(context, request, response);
    case `${OIDC_PATH}/revoke`:
      if (!allowMethod(request, response, 'POST')) return;
      return handleRevokeRequest(context, request, response);
    case `${OIDC_PATH}/certs`:
      if (!allowMethod(request, response, 'GET')) return;
      context.log({ endpoint: 'certs', status: 200 });
      return sendJson(response, 200, context.keys.jwks, { 'cache-control': 'no-cache' });
    case `${REALM_PATH}/.well-known/openid-configuration`:
      if (!allowMethod(request, response, 'GET')) return;
      context.log({ endpoint: 'discovery', status: 200 });
      return sendJson(response, 200, discoveryDocument(context.issuer));
    default:
      return sendJson(response, 404, { error: 'Unable to find matching target resource method' });
  }
}

/** Keycloak answers a wrong method with 405 and an `Allow` header. */
function allowMethod(request: IncomingMessage, response: ServerResponse, method: 'GET' | 'POST'): boolean {
  if (request.method === method || (method === 'GET' && request.method === 'HEAD')) return true;
  sendJson(response, 405, { error: 'HTTP 405 Method Not Allowed' }, { allow: method });
  return false;
}

/** Runs a handler; an oversized body is 413, any other surprise Keycloak's 500 `unknown_error`. */
export function guard(response: ServerResponse, handler: () => Promise<void>): void {
  handler().catch((cause: unknown) => {
    if (response.headersSent || response.destroyed) return;
    if (cause instanceof BodyTooLargeError) {
      sendJson(response, 413, { error: 'invalid_request', error_description: 'Request entity too large' });
      return;
    }
    sendKeycloakError(response, keycloakErrors.unknownError);
  });
}
