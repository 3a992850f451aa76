import { ApiaxAuthError, type ApiaxAuthErrorCode } from '@apiax-auth/core';
import type { ErrorRequestHandler } from 'express';

/** The RFC 9457 body `apiaxErrorHandler()` sends (`Content-Type: application/problem+json`). */
export interface ApiaxProblemDetails {
  /** Identifies the problem: a link to this package's list of error codes. */
  type: string;
  title: string;
  status: 500 | 502 | 503;
  /** The error's message: core guarantees it holds no password, token or key. */
  detail: string;
  code: ApiaxAuthErrorCode;
}

// Each code's `type` is an anchor in this package's README, which explains the code.
const PROBLEM_TYPE_BASE = 'https://github.com/apiax-auth/apiax-auth/tree/main/packages/express#';

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

/** The problem document for an {@link ApiaxAuthError}: 503 when retryable, else by code. */
export function toProblemDetails(error: ApiaxAuthError): ApiaxProblemDetails {
  // A code added by a newer core than this adapter knows falls back to a plain 500.
  const problem = PROBLEMS[error.code] ?? { status: 500, title: 'Apiax client error' };
  const status = error.retryable ? 503 : problem.status;
  return { type: PROBLEM_TYPE_BASE + error.code, title: problem.title, status, detail: error.message, code: error.code };
}

/**
 * Error middleware that answers an {@link ApiaxAuthError} with `application/problem+json`
 * (RFC 9457): 503 for transient failures, 502 when Apiax rejected the credentials, client or
 * assertion, 500 for configuration and misuse. Every other error goes on to `next(err)` untouched.
 *
 * @example
 * app.use(apiaxErrorHandler()); // after the routes
 */
export function apiaxErrorHandler(): ErrorRequestHandler {
  return (error, _req, res, next) => {
    // Once headers are out, only Express's default handler can end the response (it drops the socket).
    if (!(error instanceof ApiaxAuthError) || res.headersSent) {
      next(error);
      return;
    }
    const problem = toProblemDetails(error);
    res.status(problem.status).set('Cache-Control', 'no-store').type('application/problem+json').json(problem);
  };
}
