import { ApiaxAuth, createRequestContext } from '@apiax-auth/core';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { ApiaxRequestContext } from './request-context.js';

/** Sets `req.apiax` on every request; the module applies it to all routes. */
@Injectable()
export class ApiaxRequestMiddleware implements NestMiddleware<{ apiax?: ApiaxRequestContext }> {
  readonly #requestContext: ApiaxRequestContext;

  constructor(@Inject(ApiaxAuth) auth: ApiaxAuth) {
    this.#requestContext = createRequestContext(auth);
  }

  use(request: { apiax?: ApiaxRequestContext }, _response: unknown, next: (error?: unknown) => void): void {
    request.apiax = this.#requestContext;
    next();
  }
}
