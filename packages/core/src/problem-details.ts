import type { ApiaxAuthError, ApiaxAuthErrorCode } from './errors.js';

/** The RFC 9457 body an error of this client becomes in an HTTP answer (`application/problem+json`). */
export interface ApiaxProblemDetails {
  /** Identifies the problem: a link to the core README's explanation of the code. */
  type: string;
  title: string;
  status: 500 | 502 | 503;
  /** The error's message: core guarantees it holds no password, token or key. */
  detail: string;
  code: ApiaxAuthErrorCode;
}

// Each code's `type` is an anchor in core's README, which explains the code.
const PROBLEM_TYPE_BASE = 'https://github.com/apiax-auth/apiax-auth/tree/main/packages/core#';

// 503: Apiax is having a moment, the caller may retry. 502: Apiax refused what this server sent it
// (an admin must act). 500: this server is misconfigured or misused.
const PROBLEMS: Record<ApiaxAuthErrorCode, { status: 500 | 502 | 503; title: string }> = {
  unreachable: { status: 503, title: 'Apiax is unreachable' },
  timeout: { status: 503, title: 'Apiax did not answer in time' },
  server_error: { status: 503, title: 'Apiax had a server error' },
  invalid_response: { status: 503, title: 'Apiax sent an invalid response' },
  invalid_credentials: { status: 502, title: 'Apiax rejected the configured credentials' },
  account_disabled: { status: 502, title: 'The Apiax account is disabled' },
  account_not_set_up: { status: 502, title: 'The Apiax account is not fully set up' },
  client_rejected: { status: 502, title: 'Apiax rejected the client' },
  assertion_rejected: { status: 502, title: 'Apiax rejected the client assertion' },
  invalid_config: { status: 500, title: 'The Apiax client is misconfigured' },
  origin_not_allowed: { status: 500, title: 'The Apiax token may not be sent to this origin' },
  closed: { status: 500, title: 'The Apiax client is closed' },
};

/**
 * The one error → HTTP mapping, framework-neutral: 503 for a retryable failure (the caller may try again),
 * 502 when Apiax rejected the credentials, client or assertion, 500 for configuration and misuse. Adapters
 * (Express's `apiaxErrorHandler`, Nest's `ApiaxExceptionFilter`) only translate it.
 */
export function toProblemDetails(error: ApiaxAuthError): ApiaxProblemDetails {
  // A code added by a newer core than a caller knows falls back to a plain 500.
  const problem = PROBLEMS[error.code] ?? { status: 500, title: 'Apiax client error' };
  const status = error.retryable ? 503 : problem.status;
  return { type: PROBLEM_TYPE_BASE + error.code, title: problem.title, status, detail: error.message, code: error.code };
}

/** The headers of a problem answer: its media type, and never cached. */
export const PROBLEM_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/problem+json',
  'cache-control': 'no-store',
};

/** {@link toProblemDetails} as a Web `Response`, for route handlers (Next.js, Hono, any Fetch-API server). */
export function problemResponse(error: ApiaxAuthError): Response {
  const problem = toProblemDetails(error);
  return new Response(JSON.stringify(problem), { status: problem.status, headers: PROBLEM_HEADERS });
}
