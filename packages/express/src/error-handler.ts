import { ApiaxAuthError, PROBLEM_HEADERS, toProblemDetails } from '@apiax-auth/core';
import type { ErrorRequestHandler } from 'express';

/**
 * Error middleware that answers an {@link ApiaxAuthError} with `application/problem+json` (RFC 9457), as
 * core's `toProblemDetails` maps it: 503 for transient failures, 502 when Apiax rejected the credentials,
 * client or assertion, 500 for configuration and misuse. Every other error goes on to `next(err)` untouched.
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
    res.status(problem.status).set(PROBLEM_HEADERS).send(JSON.stringify(problem));
  };
}
