import { healthReport, type ApiaxAuth } from '@apiax-auth/core';
import type { RequestHandler } from 'express';

/**
 * A request handler for Kubernetes probes: 200 while the client is `up` or `degraded`, 503 when it is
 * `down`, with a small JSON body (health, state, store, expiries, the last error's code; never a
 * secret). It reads `auth.status()` only: a probe never triggers a login.
 * @example
 * const apiax = apiaxAuth();
 * app.get('/healthz', apiaxHealth(apiax.auth));
 */
export function apiaxHealth(auth: ApiaxAuth): RequestHandler {
  return (_req, res) => {
    const { httpStatus, body } = healthReport(auth.status());
    res.status(httpStatus).set('cache-control', 'no-store').json(body);
  };
}
