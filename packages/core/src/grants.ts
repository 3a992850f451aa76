import * as client from 'openid-client';
import { CLIENT_ASSERTION_TYPE, signClientAssertion } from './assertion.js';
import { classifyGrantError, type GrantFailure, type GrantKind } from './error-mapping.js';
import { RESPONSE_BODY_ERROR } from './oauth-error-body.js';
import { boundedRequest, MAX_TOKEN_RESPONSE_BYTES } from './bounded-fetch.js';
import { isLoopbackHost } from './loopback.js';
import type { ResolvedOptions } from './options.js';
import { addOptionSecrets, type Redactor } from './redaction.js';

/** A grant's outcome: the raw token response with its local receipt time, or a classified failure. */
export type GrantOutcome = { ok: true; response: Record<string, unknown>; requestedAt: number } | { ok: false; failure: GrantFailure };

export type LogoutOutcome = { ok: true; sessionWasActive: boolean } | { ok: false; failure: GrantFailure };

/**
 * The three requests the engine sends to Keycloak. The only module that talks to openid-client.
 * Each request is bounded: `requestTimeoutMs` for headers and body together, 64 KiB of body; and
 * `signal` (the client closing) aborts it at once, failing it with `closed`.
 */
export interface Grants {
  /** `grant_type=password` (+ a fresh client assertion in 2FA). */
  password(signal?: AbortSignal): Promise<GrantOutcome>;
  /** `grant_type=refresh_token` (+ a fresh client assertion in 2FA). */
  refresh(refreshToken: string, signal?: AbortSignal): Promise<GrantOutcome>;
  /** Keycloak's logout: a form POST ending the SSO session (not an OAuth standard, so not in openid-client). */
  logout(refreshToken: string, signal?: AbortSignal): Promise<LogoutOutcome>;
}

/** Creates the grants of one client; registers the secrets they send with `redactor`. */
export function createGrants(options: ResolvedOptions, redactor: Redactor): Grants {
  addOptionSecrets(redactor, {
    password: options.password,
    apiKey: options.apiKey,
    privateKeyPem: options.assertion?.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  });
  const tokenEndpoint = new URL(options.tokenEndpoint);
  const bounded =
    (signal: AbortSignal | undefined): client.CustomFetch =>
    (url, init) =>
      boundedRequest(options.fetch, url, init, {
        timeoutMs: options.requestTimeoutMs,
        maxBodyBytes: MAX_TOKEN_RESPONSE_BYTES,
        signal,
      });
  // One configuration per request: cheap (plain objects), and the only way to give openid-client a
  // per-request abort signal, through the fetch it calls.
  const configFor = (signal: AbortSignal | undefined): client.Configuration => {
    const config = new client.Configuration(
      // Static metadata: no discovery request, so the first token costs exactly one request.
      { issuer: options.issuer, token_endpoint: options.tokenEndpoint },
      options.clientId,
      undefined,
      clientAuthentication(options, redactor),
    );
    config[client.customFetch] = bounded(signal);
    // Our fetch owns the deadline (requestTimeoutMs, body included); openid-client's own 30 s default would be a second one.
    config.timeout = 0;
    // options.ts accepted http only on loopback; openid-client refuses it unless told.
    if (tokenEndpoint.protocol === 'http:' && isLoopbackHost(tokenEndpoint.hostname)) client.allowInsecureRequests(config);
    return config;
  };
  const context = (grant: GrantKind) => ({
    grant,
    username: options.username,
    redactor,
    endpoint: options.tokenEndpoint,
    now: options.now,
  });

  const fail = async (thrown: unknown, grant: GrantKind): Promise<{ ok: false; failure: GrantFailure }> => ({
    ok: false,
    failure: await classifyGrantError(thrown, context(grant)),
  });
  const succeed = (response: client.TokenEndpointResponse, requestedAt: number): GrantOutcome => ({
    ok: true,
    // A plain copy: openid-client's result carries helper methods we do not need.
    response: { ...response },
    requestedAt,
  });

  return {
    async password(signal) {
      const requestedAt = options.now();
      try {
        return succeed(
          await client.genericGrantRequest(configFor(signal), 'password', { username: options.username, password: options.password }),
          requestedAt,
        );
      } catch (error) {
        return fail(error, 'password');
      }
    },
    async refresh(refreshToken, signal) {
      const requestedAt = options.now();
      try {
        return succeed(await client.refreshTokenGrant(configFor(signal), refreshToken), requestedAt);
      } catch (error) {
        return fail(error, 'refresh');
      }
    },
    async logout(refreshToken, signal) {
      try {
        const body = new URLSearchParams({ refresh_token: refreshToken });
        await addClientAuthentication(options, body, redactor);
        const response = await bounded(signal)(options.logoutEndpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' },
          body,
          redirect: 'manual',
        });
        if (response.status === 204 || response.status === 200) {
          await response.body?.cancel().catch(() => undefined);
          return { ok: true, sessionWasActive: true };
        }
        const failure = await classifyGrantError(await asResponseError(response), context('logout'));
        // 400 invalid_grant: the session (or the token) is already gone, which is what logout wanted.
        if (failure.kind === 'refresh-rejected') return { ok: true, sessionWasActive: false };
        return { ok: false, failure };
      } catch (error) {
        return fail(error, 'logout');
      }
    },
  };
}

/**
 * 1FA: `client_id` in the body (Keycloak's public `integration-api` client).
 * 2FA: a fresh RS256 assertion per request and NO `client_id`, exactly as Apiax documents the 2FA
 * login: Keycloak identifies the client by the assertion's `sub`, and a `client_id` that differs
 * from it (say `APIAX_CLIENT_ID=integration-api` left over from 1FA) would make Keycloak refuse the
 * request. Omitting it is valid RFC 7523 §3.1 and cannot mismatch.
 */
function clientAuthentication(options: ResolvedOptions, redactor: Redactor): client.ClientAuth {
  if (options.assertion === undefined) return client.None();
  // openid-client awaits what its ClientAuth returns (oauth4webapi: `await clientAuthentication(...)`),
  // though the type says void: the signing must finish before the body is sent.
  const authenticate = (_server: client.ServerMetadata, _client: client.ClientMetadata, body: URLSearchParams): Promise<void> =>
    addClientAuthentication(options, body, redactor);
  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- awaited by openid-client, see above
  return authenticate;
}

/** 2FA: each signed assertion is a secret too (it logs in for its lifetime), in whatever encoding it is echoed. */
async function addClientAuthentication(options: ResolvedOptions, body: URLSearchParams, redactor: Redactor): Promise<void> {
  if (options.assertion === undefined) {
    body.set('client_id', options.clientId);
    return;
  }
  body.delete('client_id');
  body.set('client_assertion_type', CLIENT_ASSERTION_TYPE);
  const assertion = await signClientAssertion(options.assertion, options.tokenEndpoint, options.now());
  redactor.addRotating(assertion);
  body.set('client_assertion', assertion);
}

/** Shapes a non-2xx logout answer like openid-client's errors, so one classifier serves both. */
async function asResponseError(response: Response): Promise<unknown> {
  const contentType = response.headers.get('content-type') ?? '';
  if (response.status >= 400 && response.status < 500 && /json/i.test(contentType)) {
    try {
      const json = (await response.clone().json()) as { error?: unknown; error_description?: unknown };
      if (typeof json.error === 'string') {
        await response.body?.cancel().catch(() => undefined);
        return { code: RESPONSE_BODY_ERROR, error: json.error, error_description: json.error_description, status: response.status };
      }
    } catch {
      // Not JSON after all: classified by status below.
    }
  }
  return { name: 'UnexpectedResponse', message: `HTTP ${response.status}`, cause: response };
}
