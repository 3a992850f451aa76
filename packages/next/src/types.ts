import type { ApiaxAuth, ApiaxAuthOptions, GetAccessTokenOptions } from '@apiax-auth/core';

/** Options of {@link createApiaxNext}: core's options, each falling back to its `APIAX_*` variable. */
export type ApiaxNextOptions = ApiaxAuthOptions;

/**
 * Apiax for server actions, route handlers and server components. Every call waits for a real
 * request (`connection()`), so nothing runs during `next build` and nothing is cached.
 *
 * Never return a token (or anything holding one) from a server action or pass it to a client
 * component: whatever a server action returns is sent to the browser.
 */
export interface ApiaxNextClient {
  /**
   * `fetch` with the token: relative URLs resolve against `apiBaseUrl`, other origins are refused
   * with `origin_not_allowed`. Failures reject with `ApiaxAuthError`.
   */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** A valid access token. Keep it on the server. */
  getAccessToken(options?: GetAccessTokenOptions): Promise<string>;
  /**
   * The process's core client (created on first access), for `status()`, `on()` and `close()`.
   * Closing it is final for this client: the next call creates (and logs in) a new one.
   */
  readonly auth: ApiaxAuth;
}

/** Route params as Next.js passes them; `undefined` for an absent optional catch-all. */
export type RouteParams = Record<string, string | string[] | undefined>;

/** The second argument Next.js passes a route handler. */
export interface RouteHandlerContext<Params = RouteParams> {
  params: Promise<Params>;
}

/** The second argument a {@link withApiax} handler receives: Next's context plus `apiax`. */
export type ApiaxRouteContext<Params = RouteParams> = RouteHandlerContext<Params> & { apiax: ApiaxNextClient };

/** A route handler that receives `apiax` in its context. */
export type ApiaxRouteHandler<Params = RouteParams, RequestType extends Request = Request> = (
  request: RequestType,
  context: ApiaxRouteContext<Params>,
) => Response | Promise<Response>;

/** A route handler as Next.js calls it (`export const POST = ...`). */
export type RouteHandler<Params = RouteParams, RequestType extends Request = Request> = (
  request: RequestType,
  context: RouteHandlerContext<Params>,
) => Promise<Response>;

/** Wraps a route handler so that it receives `{ apiax }` next to Next's `params`. */
export type WithApiax = <Params = RouteParams, RequestType extends Request = Request>(
  handler: ApiaxRouteHandler<Params, RequestType>,
) => RouteHandler<Params, RequestType>;

/** What {@link createApiaxNext} returns. */
export interface ApiaxNext {
  apiax: ApiaxNextClient;
  withApiax: WithApiax;
}
