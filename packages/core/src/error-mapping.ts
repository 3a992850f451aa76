import { parseRetryAfter } from './backoff.js';
import { ApiaxAuthError, type ApiaxAuthErrorCode } from './errors.js';
import { isTimeout, networkCode, requestTarget, systemErrorCode, systemErrorDetail } from './network-errors.js';
import { oauthErrorBody, responseOf, type OAuthErrorBody } from './oauth-error-body.js';
import type { Redactor } from './redaction.js';

/** Which request failed. */
export type GrantKind = 'password' | 'refresh' | 'logout';

/**
 * A failed token-endpoint request, classified for the session:
 * - `refresh-rejected`: `invalid_grant` on a refresh (expired, session ended, rotated): log in again, silently;
 * - `rejected`: the server refused the request as such (credentials, client, assertion): never retried;
 * - `transient`: 5xx, HTML pages, timeouts, resets, malformed bodies: retried with backoff.
 */
export type GrantFailure =
  | { kind: 'refresh-rejected'; error: ApiaxAuthError }
  | { kind: 'rejected'; error: ApiaxAuthError }
  | { kind: 'transient'; error: ApiaxAuthError; retryAfterMs?: number };

/** What the session needs to know about the account to word messages (never a secret). */
export interface ErrorContext {
  grant: GrantKind;
  username: string;
  redactor: Redactor;
  /** The token endpoint: its host (never its path or query) names where a network failure happened. */
  endpoint?: string;
  /** The client's clock (a proxy's `Retry-After` date counts from it); default `Date.now`. */
  now?: () => number;
}

const DESCRIPTION_MAX_LENGTH = 200;
// Older Keycloaks prefix the reason; the newest send it bare (e.g. for a key of the wrong algorithm).
const ASSERTION_FAILURE = /client authentication with signed jwt failed|invalid signature algorithm/i;

/**
 * Classifies whatever a grant request threw (openid-client's `ResponseBodyError`, `ClientError`,
 * `WWWAuthenticateChallengeError`, undici's `TypeError: fetch failed`, an abort...) into an
 * {@link ApiaxAuthError} with a redacted cause: the original error is never attached, since it may
 * reference the response, its body or the request.
 */
export async function classifyGrantError(thrown: unknown, context: ErrorContext): Promise<GrantFailure> {
  // Ours (the bounded fetch's timeout, size cap or close), possibly wrapped by openid-client's ClientError.
  const own = ownError(thrown);
  if (own !== undefined) {
    return own.retryable ? { kind: 'transient', error: own } : { kind: 'rejected', error: own };
  }
  const error = thrown as { name?: unknown; code?: unknown; cause?: unknown; message?: unknown; response?: unknown } | null;
  const name = typeof error?.name === 'string' ? error.name : 'Error';
  const cause = redactedCause(thrown, context.redactor);

  const body = await oauthErrorBody(thrown);
  if (body !== undefined) return classifyOAuthError(body, context, cause);

  const response = responseOf(thrown);
  if (response !== undefined) return classifyBareResponse(response, context, cause);

  const target = requestTarget('POST', context.endpoint);
  const system = systemErrorDetail(thrown);
  if (isTimeout(thrown)) {
    const detail = system ?? 'no answer in time (requestTimeoutMs)';
    return transient('timeout', `The Apiax token endpoint did not answer in time: ${target}: ${detail} (${requestLabel(context)})`, cause);
  }
  if (name === 'TypeError' && (error?.message === 'fetch failed' || networkCode(thrown) !== undefined)) {
    const detail = system ?? 'fetch failed';
    return transient('unreachable', `The Apiax token endpoint is unreachable: ${target}: ${detail} (${requestLabel(context)})`, cause);
  }
  // Unparseable JSON, missing fields, an unsupported token_type: the body was not a token response.
  return transient('invalid_response', `The Apiax token endpoint sent an unusable response (${requestLabel(context)})`, cause);
}

/**
 * A non-OAuth answer (no JSON `error`): an HTML error page, an empty body, a proxy's text. To a
 * password grant, a 4xx is a rejection whatever its content type (a proxy rewrote Keycloak's 401
 * into its own page): never retried, so the account cannot be locked by retries. 408 and 429 stay
 * transient (the request was not judged; a proxy throttles), as do 5xx; other grants keep retrying
 * (a refresh sends no password).
 */
async function classifyBareResponse(response: Response, context: ErrorContext, cause: Error): Promise<GrantFailure> {
  const status = response.status;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), (context.now ?? Date.now)());
  const html = /text\/html/i.test(response.headers.get('content-type') ?? '');
  await response.body?.cancel().catch(() => undefined);
  const what = html ? 'an HTML page' : 'an unexpected response';
  if (context.grant === 'password' && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return rejected(
      'invalid_credentials',
      `Apiax refused the login of user "${context.username}": HTTP ${status} with ${what} (a proxy may have replaced Keycloak's answer). ` +
        'Not retried, so that brute-force protection does not lock the account.',
      { status, cause },
    );
  }
  const code: ApiaxAuthErrorCode = status >= 500 || status === 429 || status === 408 ? 'server_error' : 'invalid_response';
  const failure: GrantFailure = {
    kind: 'transient',
    error: new ApiaxAuthError(code, `The Apiax token endpoint answered HTTP ${status} with ${what} (${requestLabel(context)})`, {
      retryable: true,
      status,
      cause,
    }),
  };
  if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
  return failure;
}

/** An {@link ApiaxAuthError} of ours, thrown as is or wrapped by openid-client (`ClientError` → `cause`). */
function ownError(thrown: unknown): ApiaxAuthError | undefined {
  if (thrown instanceof ApiaxAuthError) return thrown;
  const cause = (thrown as { cause?: unknown } | null)?.cause;
  return cause instanceof ApiaxAuthError ? cause : undefined;
}

function classifyOAuthError(body: OAuthErrorBody, context: ErrorContext, cause: Error): GrantFailure {
  const description = sanitizeDescription(body.error_description, context.redactor);
  const detail = description ? `${body.error}: ${description}` : body.error;
  const options = { status: body.status, oauthError: body.error, cause };
  const user = `user "${context.username}"`;

  if (body.error === 'invalid_grant') {
    if (context.grant === 'refresh' || context.grant === 'logout') {
      return {
        kind: 'refresh-rejected',
        error: new ApiaxAuthError('invalid_credentials', `The Apiax session can no longer be refreshed (${detail})`, options),
      };
    }
    if (/account disabled/i.test(description) && !/temporarily/i.test(description)) {
      return rejected('account_disabled', `Apiax refused the login of ${user}: the account is disabled (${detail}). Not retried.`, options);
    }
    if (/not fully set up/i.test(description)) {
      return rejected(
        'account_not_set_up',
        `Apiax refused the login of ${user}: the account has pending required actions (${detail}). Not retried.`,
        options,
      );
    }
    return rejected(
      'invalid_credentials',
      `Apiax refused the login of ${user}: wrong username or password, or the account is locked (${detail}). ` +
        'Not retried, so that brute-force protection does not lock the account.',
      options,
    );
  }
  if ((body.error === 'invalid_client' || body.error === 'unauthorized_client') && ASSERTION_FAILURE.test(description)) {
    return rejected('assertion_rejected', `Apiax refused the 2FA client assertion (${detail}). Not retried.`, options);
  }
  if (body.error === 'invalid_client' || body.error === 'unauthorized_client' || body.error === 'unsupported_grant_type') {
    return rejected('client_rejected', `Apiax refused the client (${detail}). Not retried: check clientId.`, options);
  }
  if (body.error === 'invalid_request' || body.error === 'invalid_scope' || body.error === 'access_denied') {
    return rejected('client_rejected', `Apiax refused the ${requestLabel(context)} (${detail}). Not retried.`, options);
  }
  // temporarily_unavailable, unknown_error, or anything new: worth another try.
  return {
    kind: 'transient',
    error: new ApiaxAuthError('server_error', `The Apiax token endpoint failed (${detail})`, { ...options, retryable: true }),
  };
}

/**
 * A stand-in for the original error: its name, code and scrubbed message, and nothing else (no
 * response, no body, no request, no nested cause that could hold one).
 */
export function redactedCause(thrown: unknown, redactor: Redactor): Error {
  const error = thrown as { name?: unknown; message?: unknown; code?: unknown } | null;
  const name = typeof error?.name === 'string' ? error.name : 'Error';
  const message = typeof error?.message === 'string' ? redactor.scrub(error.message).slice(0, DESCRIPTION_MAX_LENGTH) : '';
  const codes = [error?.code, networkCode(thrown), systemErrorCode(thrown)].filter((code): code is string => typeof code === 'string');
  const cause = new Error(message);
  cause.name = name;
  const uniqueCodes = [...new Set(codes)];
  if (uniqueCodes.length > 0) Object.defineProperty(cause, 'code', { value: uniqueCodes.join(' '), enumerable: true });
  // The stack would name our frames only, but keep it short and deterministic.
  cause.stack = `${name}: ${message}`;
  return cause;
}

function sanitizeDescription(description: string | undefined, redactor: Redactor): string {
  if (description === undefined) return '';
  return redactor.scrub(description).replace(/\s+/g, ' ').trim().slice(0, DESCRIPTION_MAX_LENGTH);
}

function requestLabel(context: ErrorContext): string {
  switch (context.grant) {
    case 'password':
      return 'login';
    case 'refresh':
      return 'refresh';
    case 'logout':
      return 'logout';
  }
}

function rejected(code: ApiaxAuthErrorCode, message: string, options: ConstructorParameters<typeof ApiaxAuthError>[2]): GrantFailure {
  return { kind: 'rejected', error: new ApiaxAuthError(code, message, { ...options, retryable: false }) };
}

function transient(code: ApiaxAuthErrorCode, message: string, cause: Error): GrantFailure {
  return { kind: 'transient', error: new ApiaxAuthError(code, message, { retryable: true, cause }) };
}
