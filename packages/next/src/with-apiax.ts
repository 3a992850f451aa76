import { requireRequestTime } from './request-time.js';
import type { ApiaxNextClient, ApiaxRouteHandler, RouteHandler, RouteHandlerContext, RouteParams, WithApiax } from './types.js';

/**
 * Binds {@link WithApiax} to one `apiax`. The wrapped handler always runs at request time, so a
 * `GET` handler is never prerendered, even when a branch of it does not call Apiax.
 */
export function createWithApiax(apiax: ApiaxNextClient): WithApiax {
  return <Params = RouteParams, RequestType extends Request = Request>(
      handler: ApiaxRouteHandler<Params, RequestType>,
    ): RouteHandler<Params, RequestType> =>
    async (request: RequestType, context: RouteHandlerContext<Params>) => {
      await requireRequestTime();
      // Spread, not copy: `params` stays the very promise Next.js passed.
      return handler(request, { ...context, apiax });
    };
}
