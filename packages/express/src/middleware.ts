import { ApiaxAuthError, createApiaxAuth, createRequestContext, type ApiaxAuth, type ApiaxAuthOptions } from '@apiax-auth/core';
import type { RequestHandler } from 'express';
import './request-context.js';

/** Options of {@link apiaxAuth}: core's client options, plus where to put the context on the request. */
export interface ApiaxExpressOptions<Property extends string = 'apiax'> extends ApiaxAuthOptions {
  /**
   * The request property that receives the context; default `'apiax'`. Give a second middleware
   * (another Apiax account) its own name, and declare that name on `Express.Request` for typing.
   */
  requestProperty?: Property | undefined;
}

/** The middleware `apiaxAuth()` returns: a plain Express `RequestHandler` that also exposes its client. */
export interface ApiaxMiddleware<Property extends string = 'apiax'> extends RequestHandler {
  /** The core client shared by every request through this middleware: `await mw.auth.close()` on shutdown. */
  readonly auth: ApiaxAuth;
  /** The request property this middleware sets. */
  readonly requestProperty: Property;
}

// A property name a handler can write as `req.<name>`, and not one Object.prototype already owns.
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function assertRequestProperty(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name) || name in Object.prototype) {
    throw new ApiaxAuthError('invalid_config', 'requestProperty must be a JavaScript identifier such as "apiax" or "apiaxSandbox"');
  }
}

/**
 * Express middleware that puts `{ fetch, getAccessToken }` of one Apiax client on every request.
 *
 * The client is created here, once: every request through this middleware shares its token cache.
 * Nothing is sent until a handler calls `req.apiax.fetch()` or `req.apiax.getAccessToken()`.
 *
 * @example
 * const apiax = apiaxAuth();                 // options fall back to APIAX_* environment variables
 * app.use(apiax);
 * app.post('/eval', async (req, res) => {
 *   const r = await req.apiax.fetch('/api/v3/rules/eval', { method: 'POST', body: JSON.stringify(req.body) });
 *   res.status(r.status).json(await r.json());
 * });
 * // on shutdown: server.close(); await apiax.auth.close();
 *
 * @throws {ApiaxAuthError} `invalid_config` when an option is wrong, naming it.
 */
export function apiaxAuth<Property extends string = 'apiax'>(options: ApiaxExpressOptions<Property> = {}): ApiaxMiddleware<Property> {
  const { requestProperty = 'apiax', ...clientOptions } = options;
  // Checked before the client exists, so a bad name leaves nothing to close.
  assertRequestProperty(requestProperty);
  const auth = createApiaxAuth(clientOptions);
  // One frozen context for all requests: the client holds the state, the request holds a reference.
  const context = createRequestContext(auth);
  const middleware: RequestHandler = (req, _res, next) => {
    (req as unknown as Record<string, unknown>)[requestProperty] = context;
    next();
  };
  return Object.assign(middleware, { auth, requestProperty: requestProperty as Property });
}
