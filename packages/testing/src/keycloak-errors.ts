import type { ServerResponse } from 'node:http';
import { sendJson } from './http.js';

/**
 * The token endpoint's error answers, as data: status, `error` and `error_description` as Keycloak sends them.
 * Where Keycloak versions differ, the fake picks the current one (see APIAX.md for the others).
 */
export interface KeycloakError {
  readonly status: number;
  readonly error: string;
  readonly description: string;
}

const error = (status: number, code: string, description: string): KeycloakError => ({
  status,
  error: code,
  description,
});

/** Prefix Keycloak puts before every reason a signed client assertion is refused for. */
export const SIGNED_JWT_FAILED = 'Client authentication with signed JWT failed: ';

export const keycloakErrors = {
  invalidUserCredentials: error(401, 'invalid_grant', 'Invalid user credentials'),
  accountDisabled: error(400, 'invalid_grant', 'Account disabled'),
  accountNotSetUp: error(400, 'invalid_grant', 'Account is not fully set up'),
  // Current Keycloak answers an unknown client with 401 (older versions: 400 `invalid_client`).
  unknownClient: error(401, 'unauthorized_client', 'Invalid client or Invalid client credentials'),
  directGrantsNotAllowed: error(400, 'unauthorized_client', 'Client not allowed for direct access grants'),
  missingClientId: error(400, 'invalid_client', 'Missing client_id parameter'),
  missingClientAssertionType: error(400, 'invalid_client', 'Parameter client_assertion_type is missing'),
  /** An assertion not signed with the client's configured algorithm (RS256); Keycloak sends it without the signed-JWT prefix. */
  invalidSignatureAlgorithm: error(400, 'invalid_client', 'invalid signature algorithm'),
  missingGrantType: error(400, 'invalid_request', 'Missing form parameter: grant_type'),
  missingUsername: error(400, 'invalid_request', 'Missing parameter: username'),
  missingRefreshToken: error(400, 'invalid_request', 'No refresh token'),
  missingToken: error(400, 'invalid_request', 'Token not provided'),
  /** The revocation endpoint, for a token issued to another client than the one authenticated. */
  unmatchingClients: error(400, 'invalid_request', 'Unmatching clients'),
  duplicatedParameter: error(400, 'invalid_request', 'duplicated parameter'),
  unsupportedGrantType: error(400, 'unsupported_grant_type', 'Unsupported grant_type'),
  refreshTokenExpired: error(400, 'invalid_grant', 'Token is not active'),
  sessionNotActive: error(400, 'invalid_grant', 'Session not active'),
  refreshTokenOfAnotherClient: error(400, 'invalid_grant', "Invalid refresh token. Token client and authorized client don't match"),
  refreshTokenReused: error(400, 'invalid_grant', 'Maximum allowed refresh token reuse exceeded'),
  invalidRefreshToken: error(400, 'invalid_grant', 'Invalid refresh token'),
  unknownError: error(500, 'unknown_error', 'For more on this error consult the server log.'),
} as const satisfies Record<string, KeycloakError>;

/** 400 `invalid_client` for a refused client assertion, with Keycloak's prefix. */
export function assertionRejected(reason: string): KeycloakError {
  return error(400, 'invalid_client', SIGNED_JWT_FAILED + reason);
}

/** Headers of every token, logout and revocation answer, as Keycloak sends them. */
export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/** Answers a Keycloak error: the JSON body, its status, `Cache-Control: no-store`. */
export function sendKeycloakError(response: ServerResponse, error: KeycloakError): void {
  sendJson(response, error.status, { error: error.error, error_description: error.description }, NO_STORE);
}
